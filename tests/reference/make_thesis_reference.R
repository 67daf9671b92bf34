# Reference values for tests/test_thesis_stats.py (issue 18: a thesis's chapter 4).
#
# Run from the repository root:   Rscript tests/reference/make_thesis_reference.R
# Needs R with psych, psychTools, nortest, car, lavaan and GPArotation (Debian: r-base-core
# r-cran-psych r-cran-psychtools r-cran-nortest r-cran-car r-cran-lavaan r-cran-gparotation).
# Versions used are written to expected_thesis_versions.txt.
#
# Reads input_bfi.csv, input_attitude.csv, input_ability.csv (written by make_reference.R) and
# writes, next to this script:
#   input_bfi_groups.csv      psychTools::bfi gender, education and age, row for row with
#                             input_bfi.csv (for group comparisons on Likert items with ties);
#   input_toothgrowth.csv, input_plantgrowth.csv, input_insectsprays.csv, input_sleep.csv,
#   input_mtcars.csv, input_swiss.csv, input_precip.csv
#                             R's built-in data sets as analysed here;
#   expected_thesis.csv       every reference number, long format:
#                             dataset, analysis, statistic, row, column, value;
#   expected_thesis_versions.txt
# Every number is written with 17 significant digits (sprintf("%.17g")), so it round-trips.
#
# Conventions (they are the ones surveyq follows; see the docstrings):
#   * listwise = the rows with every analysed column answered (SPSS's default for FACTOR,
#     REGRESSION); pairwise = cor(x, use = "pairwise"), psych's default for raw data.
#   * KMO / Bartlett: psych::KMO and psych::cortest.bartlett on the correlation matrix, n = the
#     rows behind it (listwise).
#   * PCA: psych::principal(R, nfactors = eigenvalues > 1, rotate = "varimax"), which calls
#     stats::varimax(normalize = TRUE, eps = 1e-5) (Kaiser normalisation, as SPSS), then sorts
#     components by their sum of squared loadings and makes each column sum positive.
#   * omega: psych::omega(x, nfactors = 1) (minres, flip = TRUE) $omega.tot; composite
#     reliability and AVE from factanal(factors = 1) loadings (maximum likelihood), and for
#     attitude also lavaan::cfa std.all (the same standardized ML loadings).
#   * normality: shapiro.test; nortest::lillie.test (Dallal-Wilkinson / Stephens p).
#   * regression: lm, car::vif, Durbin-Watson sum(diff(e)^2) / sum(e^2), Glejser
#     lm(abs(resid) ~ x), standardized beta = B * sd(x) / sd(y).
#   * groups: t.test(var.equal = TRUE / FALSE), car::leveneTest(center = mean),
#     wilcox.test(correct = FALSE, exact = FALSE) with Z from the normal approximation with
#     the tie correction, aov, kruskal.test.

suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
  library(nortest)
  library(car)
  library(lavaan)
  library(GPArotation)
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

read_input <- function(name) read.csv(file.path(out_dir, paste0("input_", name, ".csv")))
write_input <- function(data, name) {
  write.csv(data, file.path(out_dir, paste0("input_", name, ".csv")), row.names = FALSE, na = "")
}

rows <- list()
add <- function(dataset, analysis, statistic, value, row = "", column = "") {
  rows[[length(rows) + 1]] <<- data.frame(
    dataset = dataset, analysis = analysis, statistic = statistic, row = row,
    column = column, value = full(value), stringsAsFactors = FALSE)
}
add_vector <- function(dataset, analysis, statistic, values, names = base::names(values)) {
  for (j in seq_along(values)) add(dataset, analysis, statistic, values[j], row = names[j])
}
add_matrix <- function(dataset, analysis, statistic, m) {
  for (i in seq_len(nrow(m))) for (j in seq_len(ncol(m))) {
    add(dataset, analysis, statistic, m[i, j], row = rownames(m)[i], column = colnames(m)[j])
  }
}

# ---- data ----------------------------------------------------------------------------------

bfi <- read_input("bfi")
attitude_data <- read_input("attitude")
ability <- read_input("ability")
groups <- psychTools::bfi[, c("gender", "education", "age")]
write_input(groups, "bfi_groups")
toothgrowth <- datasets::ToothGrowth
write_input(toothgrowth, "toothgrowth")
plantgrowth <- datasets::PlantGrowth
write_input(plantgrowth, "plantgrowth")
insectsprays <- datasets::InsectSprays
write_input(insectsprays, "insectsprays")
sleep <- datasets::sleep[, c("extra", "group")]
write_input(sleep, "sleep")
mtcars_data <- datasets::mtcars[, c("mpg", "cyl", "hp", "wt", "qsec", "am")]
write_input(mtcars_data, "mtcars")
swiss <- datasets::swiss
write_input(swiss, "swiss")
precip <- data.frame(precip = as.numeric(datasets::precip))
write_input(precip, "precip")

keyed <- function(keys) {
  items <- sub("^-", "", keys)
  x <- bfi[, items]
  reversed <- items[startsWith(keys, "-")]
  x[, reversed] <- 7 - x[, reversed]
  x
}
bfi_scales <- lapply(psychTools::bfi.keys, keyed)
names(bfi_scales) <- paste0("bfi_", toupper(substr(names(bfi_scales), 1, 1)))

# ---- KMO, Bartlett, PCA with varimax -----------------------------------------------------------

factor_sets <- list(bfi = bfi, attitude = attitude_data, ability = ability,
                    bfi_A = bfi_scales$bfi_A)
for (name in names(factor_sets)) {
  x <- factor_sets[[name]]
  for (missing in c("listwise", "pairwise")) {
    if (missing == "pairwise" && !anyNA(x)) next
    tag <- paste0(name, "/", missing)
    if (missing == "listwise") {
      complete <- na.omit(x)
      R <- cor(complete)
      n <- nrow(complete)
    } else {
      R <- cor(x, use = "pairwise")
      n <- nrow(x)  # psych's choice for raw data; surveyq states it
    }
    kmo <- psych::KMO(R)
    add(tag, "kmo", "overall", kmo$MSA)
    add_vector(tag, "kmo", "msa", kmo$MSAi, colnames(R))
    bartlett <- psych::cortest.bartlett(R, n = n)
    add(tag, "bartlett", "n", n)
    add(tag, "bartlett", "chi2", bartlett$chisq)
    add(tag, "bartlett", "df", bartlett$df)
    add(tag, "bartlett", "p_value", bartlett$p.value)
    eigenvalues <- eigen(R, symmetric = TRUE)$values
    add_vector(tag, "pca", "eigenvalue", eigenvalues, seq_along(eigenvalues))
    n_factors <- sum(eigenvalues > 1)
    add(tag, "pca", "n_factors", n_factors)
    pca <- psych::principal(R, nfactors = n_factors, rotate = "varimax")
    loadings <- unclass(pca$loadings)
    colnames(loadings) <- paste0("C", seq_len(ncol(loadings)))
    add_matrix(tag, "pca", "rotated_loading", loadings)
    add_vector(tag, "pca", "communality", pca$communality, colnames(R))
    add_vector(tag, "pca", "rotated_ss", colSums(loadings^2), colnames(loadings))
    unrotated <- unclass(psych::principal(R, nfactors = n_factors, rotate = "none")$loadings)
    colnames(unrotated) <- paste0("C", seq_len(ncol(unrotated)))
    add_matrix(tag, "pca", "unrotated_loading", unrotated)
  }
}

# ---- omega, composite reliability, AVE -------------------------------------------------------

# bfi_A_raw: agreeableness as shipped (A1 reverse-worded, not recoded): psych::omega reflects
# it (flip = TRUE); composite reliability uses the signed ML loadings as they are.
omega_sets <- c(bfi_scales, list(attitude = attitude_data, ability = ability,
                                 bfi_A_raw = bfi[, paste0("A", 1:5)]))
for (name in names(omega_sets)) {
  x <- omega_sets[[name]]
  for (missing in c("listwise", "pairwise")) {
    if (missing == "pairwise" && !anyNA(x)) next
    tag <- paste0(name, "/", missing)
    data <- if (missing == "listwise") na.omit(x) else x
    R <- cor(data, use = "pairwise")
    om <- suppressWarnings(suppressMessages(
      psych::omega(data, nfactors = 1, plot = FALSE)))
    add(tag, "omega", "omega_total", om$omega.tot)
    minres <- suppressWarnings(psych::fa(R, nfactors = 1, fm = "minres"))
    add_vector(tag, "omega", "minres_loading", as.numeric(minres$loadings), colnames(R))
    ml <- factanal(covmat = R, factors = 1, n.obs = nrow(data))
    l <- as.numeric(ml$loadings)
    add_vector(tag, "omega", "ml_loading", l, colnames(R))
    add(tag, "omega", "composite_reliability", sum(l)^2 / (sum(l)^2 + sum(1 - l^2)))
    add(tag, "omega", "ave", mean(l^2))
  }
}
# lavaan's std.all loadings of a one-factor CFA are the same standardized ML loadings.
cfa_fit <- lavaan::cfa(paste("f =~", paste(names(attitude_data), collapse = " + ")),
                       data = attitude_data)
std <- lavaan::standardizedSolution(cfa_fit)
std <- std[std$op == "=~", ]
add_vector("attitude/listwise", "omega", "lavaan_std_all", std$est.std, std$rhs)

# ---- normality -----------------------------------------------------------------------------

normality_sets <- list(
  attitude_rating = attitude_data$rating,
  attitude_complaints = attitude_data$complaints,
  attitude_critical = attitude_data$critical,
  mtcars_mpg = mtcars_data$mpg,
  mtcars_hp = mtcars_data$hp,
  toothgrowth_len = toothgrowth$len,
  precip = precip$precip,
  insectsprays_count = insectsprays$count,
  bfi_A1 = na.omit(bfi$A1)[1:1000],
  swiss_fertility = swiss$Fertility
)
for (name in names(normality_sets)) {
  v <- normality_sets[[name]]
  sw <- shapiro.test(v)
  lf <- nortest::lillie.test(v)
  add(name, "normality", "n", length(v))
  add(name, "normality", "ks_statistic", lf$statistic)
  add(name, "normality", "ks_p_value", lf$p.value)
  add(name, "normality", "sw_statistic", sw$statistic)
  add(name, "normality", "sw_p_value", sw$p.value)
}

# ---- regression ----------------------------------------------------------------------------

regressions <- list(
  attitude = list(data = attitude_data, y = "rating",
                  x = c("complaints", "privileges", "learning", "raises", "critical", "advance")),
  swiss = list(data = swiss, y = "Fertility",
               x = c("Agriculture", "Examination", "Education", "Catholic", "Infant.Mortality")),
  mtcars = list(data = mtcars_data, y = "mpg", x = c("wt", "hp", "qsec"))
)
for (name in names(regressions)) {
  spec <- regressions[[name]]
  data <- spec$data[, c(spec$y, spec$x)]
  model <- lm(reformulate(spec$x, spec$y), data = data)
  s <- summary(model)
  co <- s$coefficients
  terms <- c("const", spec$x)
  for (j in seq_along(terms)) {
    add(name, "regression", "B", co[j, 1], row = terms[j])
    add(name, "regression", "se", co[j, 2], row = terms[j])
    add(name, "regression", "t", co[j, 3], row = terms[j])
    add(name, "regression", "p_value", co[j, 4], row = terms[j])
  }
  beta <- co[-1, 1] * sapply(data[spec$x], sd) / sd(data[[spec$y]])
  add_vector(name, "regression", "beta", beta, spec$x)
  vif <- car::vif(model)
  add_vector(name, "regression", "vif", vif, spec$x)
  add_vector(name, "regression", "tolerance", 1 / vif, spec$x)
  add(name, "regression", "r", sqrt(s$r.squared))
  add(name, "regression", "r2", s$r.squared)
  add(name, "regression", "adj_r2", s$adj.r.squared)
  add(name, "regression", "se_estimate", s$sigma)
  e <- residuals(model)
  add(name, "regression", "durbin_watson", sum(diff(e)^2) / sum(e^2))
  table <- anova(model)
  ss_residual <- table["Residuals", "Sum Sq"]
  ss_total <- sum((data[[spec$y]] - mean(data[[spec$y]]))^2)
  add(name, "regression", "ss_regression", ss_total - ss_residual)
  add(name, "regression", "ss_residual", ss_residual)
  add(name, "regression", "ss_total", ss_total)
  add(name, "regression", "df_regression", length(spec$x))
  add(name, "regression", "df_residual", model$df.residual)
  add(name, "regression", "f", s$fstatistic[["value"]])
  add(name, "regression", "f_p_value",
      pf(s$fstatistic[["value"]], s$fstatistic[["numdf"]], s$fstatistic[["dendf"]],
         lower.tail = FALSE))
  glejser_data <- data.frame(abs_e = abs(e), data[spec$x])
  glejser <- summary(lm(reformulate(spec$x, "abs_e"), data = glejser_data))$coefficients
  add_vector(name, "regression", "glejser_t", glejser[-1, 3], spec$x)
  add_vector(name, "regression", "glejser_p_value", glejser[-1, 4], spec$x)
  add(name, "regression", "residual_ks_statistic", nortest::lillie.test(e)$statistic)
  add(name, "regression", "residual_ks_p_value", nortest::lillie.test(e)$p.value)
  add(name, "regression", "residual_sw_statistic", shapiro.test(e)$statistic)
  add(name, "regression", "residual_sw_p_value", shapiro.test(e)$p.value)
}

# ---- group comparisons ---------------------------------------------------------------------

bfi_with_groups <- cbind(bfi, groups)
comparisons <- list(
  toothgrowth_supp = list(values = toothgrowth$len, groups = toothgrowth$supp),
  toothgrowth_dose = list(values = toothgrowth$len, groups = toothgrowth$dose),
  plantgrowth = list(values = plantgrowth$weight, groups = plantgrowth$group),
  insectsprays = list(values = insectsprays$count, groups = insectsprays$spray),
  sleep = list(values = sleep$extra, groups = sleep$group),
  mtcars_am = list(values = mtcars_data$mpg, groups = mtcars_data$am),
  mtcars_cyl = list(values = mtcars_data$mpg, groups = mtcars_data$cyl),
  bfi_A1_gender = list(values = bfi_with_groups$A1, groups = bfi_with_groups$gender),
  bfi_A1_education = list(values = bfi_with_groups$A1, groups = bfi_with_groups$education)
)
for (name in names(comparisons)) {
  spec <- comparisons[[name]]
  keep <- !is.na(spec$values) & !is.na(spec$groups)
  v <- spec$values[keep]
  g <- factor(spec$groups[keep])  # levels in sorted order, as surveyq orders groups
  add(name, "groups", "n", length(v))
  add(name, "groups", "k", nlevels(g))
  levene <- car::leveneTest(v, g, center = mean)
  add(name, "groups", "levene_f", levene[1, "F value"])
  add(name, "groups", "levene_df1", levene[1, "Df"])
  add(name, "groups", "levene_df2", levene[2, "Df"])
  add(name, "groups", "levene_p_value", levene[1, "Pr(>F)"])
  if (nlevels(g) == 2) {
    a <- v[g == levels(g)[1]]
    b <- v[g == levels(g)[2]]
    for (equal in c(TRUE, FALSE)) {
      test <- t.test(a, b, var.equal = equal)
      prefix <- if (equal) "t_test" else "welch"
      add(name, "groups", paste0(prefix, "_t"), test$statistic)
      add(name, "groups", paste0(prefix, "_df"), test$parameter)
      add(name, "groups", paste0(prefix, "_p_value"), test$p.value)
      add(name, "groups", paste0(prefix, "_mean_difference"), mean(a) - mean(b))
      add(name, "groups", paste0(prefix, "_ci_low"), test$conf.int[1])
      add(name, "groups", paste0(prefix, "_ci_high"), test$conf.int[2])
    }
    w <- suppressWarnings(wilcox.test(a, b, correct = FALSE, exact = FALSE))
    n1 <- length(a)
    n2 <- length(b)
    N <- n1 + n2
    ties <- table(rank(v))
    sigma <- sqrt(n1 * n2 / 12 * ((N + 1) - sum(ties^3 - ties) / (N * (N - 1))))
    U <- unname(w$statistic)                      # R's W: U of the first group
    U_spss <- min(U, n1 * n2 - U)                 # SPSS prints the smaller U
    add(name, "groups", "mann_whitney_w_first", U)
    add(name, "groups", "mann_whitney_u", U_spss)
    add(name, "groups", "mann_whitney_z", (U_spss - n1 * n2 / 2) / sigma)
    add(name, "groups", "mann_whitney_p_value", w$p.value)
  } else {
    fit <- summary(aov(v ~ g))[[1]]
    add(name, "groups", "anova_f", fit[1, "F value"])
    add(name, "groups", "anova_df1", fit[1, "Df"])
    add(name, "groups", "anova_df2", fit[2, "Df"])
    add(name, "groups", "anova_p_value", fit[1, "Pr(>F)"])
    add(name, "groups", "anova_ss_between", fit[1, "Sum Sq"])
    add(name, "groups", "anova_ss_within", fit[2, "Sum Sq"])
    kw <- kruskal.test(v, g)
    add(name, "groups", "kruskal_h", kw$statistic)
    add(name, "groups", "kruskal_df", kw$parameter)
    add(name, "groups", "kruskal_p_value", kw$p.value)
  }
}

write.csv(do.call(rbind, rows), file.path(out_dir, "expected_thesis.csv"), row.names = FALSE)
writeLines(c(R.version.string,
             sapply(c("psych", "psychTools", "nortest", "car", "lavaan", "GPArotation"),
                    function(p) paste(p, as.character(packageVersion(p))))),
           file.path(out_dir, "expected_thesis_versions.txt"))
