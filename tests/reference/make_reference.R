# Reference values for tests/test_validity.py and tests/test_reliability.py.
#
# Run from the repository root:   Rscript tests/reference/make_reference.R
# Needs R with psych and psychTools (Debian: r-cran-psych r-cran-psychtools).
# Produced with R 4.2.2, psych 2.2.9, psychTools 2.2.9 (see expected_versions.txt).
#
# std.alpha follows psych 2.4.1 and later, which build it from cor(x, use = "pairwise")
# instead of cov2cor() of the pairwise covariances. Debian's psych is 2.2.9, so this script
# computes that formula itself (std_alpha_of below); on complete data both agree.
#
# Writes, next to this script:
#   input_<dataset>.csv   the item data exactly as analysed here (NA = empty cell), so the
#                         Python tests read the same numbers without R;
#   expected_psych.csv    psych::alpha results, item-total statistics and SMCs (long format);
#   expected_validity.csv cor.test() of each item with the total and with the rest score
#                         (listwise), and item-whole correlations from the pairwise covariance
#                         matrix (pairwise);
#   expected_matrices.csv cov() and cor() with use = "complete.obs" / "pairwise.complete.obs"
#                         for bfi scale A and attitude;
#   expected_r_table.csv  critical r from qt() for a few n, alpha and tails;
#   expected_versions.txt R and package versions.
# Every number is written with 17 significant digits (sprintf("%.17g")), so it round-trips.
#
# Datasets (all shipped with R packages):
#   bfi      psychTools::bfi, the 25 personality items (1-6 Likert, 2800 rows, with NAs).
#            Scales A, C, E, N, O as in psychTools::bfi.keys; items keyed "-" are reversed
#            as 7 - x (the nominal 1..6 ends; psych would flip with the observed range, which
#            is the same 1..6 here). Analysed listwise (na.omit per scale) and pairwise.
#   ability  psychTools::ability, 16 ICAR ability items scored 0/1 (1525 rows, with NAs).
#            Listwise and pairwise.
#   attitude datasets::attitude, 7 ratings of 30 departments (complete data).
#   denis    the 10 x 5 example in D. J. Denis, "Applied Univariate, Bivariate, and
#            Multivariate Statistics" (Wiley), section on Cronbach's alpha, whose SPSS
#            RELIABILITY output the tests also check against its printed digits.

suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
})

out_dir <- local({
  args <- commandArgs(trailingOnly = FALSE)
  file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
  if (length(file_arg) == 1) dirname(normalizePath(file_arg)) else "tests/reference"
})

full <- function(x) {
  x <- as.numeric(unlist(x))
  ifelse(is.na(x), "NA", sprintf("%.17g", x))
}

write_input <- function(data, name) {
  write.csv(data, file.path(out_dir, paste0("input_", name, ".csv")),
            row.names = FALSE, na = "")
}

# ---- input data --------------------------------------------------------------------------

bfi_items <- psychTools::bfi[, 1:25]
write_input(bfi_items, "bfi")
ability_items <- as.data.frame(psychTools::ability)
write_input(ability_items, "ability")
attitude_items <- datasets::attitude
write_input(attitude_items, "attitude")
denis_items <- data.frame(
  Item_1 = c(10, 12, 8, 6, 4, 6, 3, 7, 8, 9),
  Item_2 = c(12, 18, 16, 8, 7, 6, 4, 3, 9, 5),
  Item_3 = c(15, 12, 14, 16, 8, 3, 6, 7, 4, 6),
  Item_4 = c(11, 12, 14, 8, 7, 7, 5, 9, 10, 11),
  Item_5 = c(12, 1, 4, 6, 5, 3, 8, 9, 10, 12)
)
write_input(denis_items, "denis")

keyed_scale <- function(data, keys) {
  items <- sub("^-", "", keys)
  x <- data[, items]
  reversed <- items[startsWith(keys, "-")]
  x[, reversed] <- 7 - x[, reversed]
  x
}

scales <- list()
for (scale in names(psychTools::bfi.keys)) {
  keys <- psychTools::bfi.keys[[scale]]
  label <- toupper(substr(scale, 1, 1))
  scales[[length(scales) + 1]] <- list(dataset = "bfi", scale = label,
                                       x = keyed_scale(bfi_items, keys))
}
scales[[length(scales) + 1]] <- list(dataset = "ability", scale = "all", x = ability_items)
scales[[length(scales) + 1]] <- list(dataset = "attitude", scale = "all", x = attitude_items)
scales[[length(scales) + 1]] <- list(dataset = "denis", scale = "all", x = denis_items)

# ---- psych::alpha ------------------------------------------------------------------------

psych_rows <- list()
add_psych <- function(dataset, scale, missing, statistic, item, value) {
  psych_rows[[length(psych_rows) + 1]] <<- data.frame(
    dataset = dataset, scale = scale, missing = missing, statistic = statistic,
    item = item, value = full(value), stringsAsFactors = FALSE)
}

validity_rows <- list()
add_validity <- function(dataset, scale, missing, item, against, n, r, p_two, p_greater) {
  validity_rows[[length(validity_rows) + 1]] <<- data.frame(
    dataset = dataset, scale = scale, missing = missing, item = item, against = against,
    n = n, r = full(r), p_two_sided = full(p_two), p_one_sided = full(p_greater),
    stringsAsFactors = FALSE)
}

# Standardized alpha (and alpha if each item is dropped) from the pairwise correlations, as
# psych >= 2.4.1: k / (k - 1) * (1 - k / sum(R)), R = cor(x, use = "pairwise").
std_alpha_of <- function(R) {
  k <- ncol(R)
  (1 - k / sum(R)) * k / (k - 1)
}

analyse_psych <- function(entry, missing) {
  x <- entry$x
  if (missing == "listwise") x <- na.omit(x)
  res <- suppressWarnings(psych::alpha(x, use = "pairwise", warnings = FALSE))
  items <- colnames(x)
  add <- function(statistic, item, value) {
    add_psych(entry$dataset, entry$scale, missing, statistic, item, value)
  }
  add("n", "", nrow(x))
  add("raw_alpha", "", res$total$raw_alpha)
  R_pairwise <- cor(x, use = "pairwise")
  add("std_alpha", "", std_alpha_of(R_pairwise))
  add("feldt_lower", "", res$feldt$lower.ci)
  add("feldt_upper", "", res$feldt$upper.ci)
  add_items <- function(statistic, values) {
    for (j in seq_along(items)) add(statistic, items[j], values[j])
  }
  add_items("alpha_drop_raw", res$alpha.drop$raw_alpha)
  add_items("alpha_drop_std", sapply(seq_along(items),
                                     function(j) std_alpha_of(R_pairwise[-j, -j])))
  # psych's raw.r: each item with the mean of the items each respondent answered.
  add_items("raw_r", res$item.stats$raw.r)
  add_items("r_drop", res$item.stats$r.drop)
  add_items("mean", res$item.stats$mean)
  # The matrix psych::alpha works from (cov(use = "pairwise"), equal to cov() on na.omit data)
  # and the SMCs SPSS prints, 1 - 1 / diag(solve(R)), via psych::smc.
  C <- cov(x, use = "pairwise")
  add_items("smc", psych::smc(cov2cor(C)))
  if (missing == "listwise") {
    totals <- rowSums(x)
    add_items("scale_mean_if_deleted", sapply(items, function(i) mean(totals - x[[i]])))
    add_items("scale_var_if_deleted", sapply(items, function(i) var(totals - x[[i]])))
    for (i in items) {
      whole <- cor.test(x[[i]], totals)
      whole_greater <- cor.test(x[[i]], totals, alternative = "greater")
      rest <- cor.test(x[[i]], totals - x[[i]])
      rest_greater <- cor.test(x[[i]], totals - x[[i]], alternative = "greater")
      add_validity(entry$dataset, entry$scale, missing, i, "total", nrow(x),
                   whole$estimate, whole$p.value, whole_greater$p.value)
      add_validity(entry$dataset, entry$scale, missing, i, "rest", nrow(x),
                   rest$estimate, rest$p.value, rest_greater$p.value)
    }
  } else {
    # Pairwise: item-whole correlations from the pairwise covariance matrix C (psych's r.drop
    # for the rest score, the same formula without the drop for the total); n per item is the
    # smallest pairwise count of the item with any item (surveyq's documented convention).
    answered <- !is.na(x)
    n_item <- apply(crossprod(answered), 1, min)
    whole_cov <- rowSums(C)
    r_whole <- whole_cov / sqrt(diag(C) * sum(C))
    r_rest <- res$item.stats$r.drop
    p_values <- function(r, n) {
      t <- r * sqrt((n - 2) / (1 - r^2))
      list(two = 2 * pt(-abs(t), n - 2), greater = pt(t, n - 2, lower.tail = FALSE))
    }
    for (j in seq_along(items)) {
      p_whole <- p_values(r_whole[j], n_item[j])
      p_rest <- p_values(r_rest[j], n_item[j])
      add_validity(entry$dataset, entry$scale, missing, items[j], "total", n_item[j],
                   r_whole[j], p_whole$two, p_whole$greater)
      add_validity(entry$dataset, entry$scale, missing, items[j], "rest", n_item[j],
                   r_rest[j], p_rest$two, p_rest$greater)
      add("scale_mean_if_deleted", items[j], sum(res$item.stats$mean[-j]))
      add("scale_var_if_deleted", items[j], sum(C[-j, -j]))
    }
  }
}

for (entry in scales) {
  analyse_psych(entry, "listwise")
  if (anyNA(entry$x)) analyse_psych(entry, "pairwise")
}

write.csv(do.call(rbind, psych_rows), file.path(out_dir, "expected_psych.csv"),
          row.names = FALSE)
write.csv(do.call(rbind, validity_rows), file.path(out_dir, "expected_validity.csv"),
          row.names = FALSE)

# ---- covariance and correlation matrices (for surveyq.moments) -----------------------------

matrix_rows <- list()
add_matrix <- function(dataset, scale, missing, kind, m) {
  grid <- expand.grid(row = rownames(m), column = colnames(m), stringsAsFactors = FALSE)
  matrix_rows[[length(matrix_rows) + 1]] <<- data.frame(
    dataset = dataset, scale = scale, missing = missing, kind = kind,
    row = grid$row, column = grid$column, value = full(as.vector(m)),
    stringsAsFactors = FALSE)
}
for (entry in scales[c(1, 7)]) {  # bfi A (with NAs) and attitude (complete)
  x <- entry$x
  for (missing in c("listwise", "pairwise")) {
    use <- if (missing == "listwise") "complete.obs" else "pairwise.complete.obs"
    add_matrix(entry$dataset, entry$scale, missing, "cov", cov(x, use = use))
    add_matrix(entry$dataset, entry$scale, missing, "cor", cor(x, use = use))
  }
}
write.csv(do.call(rbind, matrix_rows), file.path(out_dir, "expected_matrices.csv"),
          row.names = FALSE)

# ---- critical r --------------------------------------------------------------------------

r_table_rows <- list()
for (n in c(3, 10, 20, 30, 50, 100, 1000)) {
  for (alpha in c(0.05, 0.01)) {
    for (tail in c("two-sided", "one-sided")) {
      df <- n - 2
      t_crit <- qt(if (tail == "two-sided") 1 - alpha / 2 else 1 - alpha, df)
      r_table_rows[[length(r_table_rows) + 1]] <- data.frame(
        n = n, alpha = alpha, tail = tail, r_table = full(t_crit / sqrt(df + t_crit^2)))
    }
  }
}
write.csv(do.call(rbind, r_table_rows), file.path(out_dir, "expected_r_table.csv"),
          row.names = FALSE)

writeLines(c(R.version.string,
             paste("psych", as.character(packageVersion("psych"))),
             paste("psychTools", as.character(packageVersion("psychTools")))),
           file.path(out_dir, "expected_versions.txt"))
