# Reference values for the group AHP (aggregation of individual judgments) in
# tests/test_group_ahp_reference.py.
#
# The worked example is the one of the CRAN package ahpsurvey (Frankie Cho, version 0.4.1,
# MIT licence): its data set city200, 200 decision-makers comparing five criteria for choosing
# a city to live in (culture, family, housing, jobs, transportation; Saaty's 2004 example),
# and its vignette "Analytic Hierarchy Process for Survey Data in R", which prints the group
# matrix that ahp.aggjudge(aggmethod = "geometric") gives for them (section "Aggregated
# individual judgements") and that 70 of the 200 have a consistency ratio above 0.1.
#
# ahpsurvey is not in Debian; this script runs the package's own R code from its source tree:
#   Rscript tests/reference/make_group_ahp_reference.R /path/to/ahpsurvey-source
# (the folder holding data/city200.rda and R/ahp_mat.R, R/ahp_aggjudge.R, R/ahp_cr.R).
# Run from the repository root; it writes, next to this script:
#   input_ahpsurvey_city200.csv  city200 as shipped: one row per decision-maker, the ten
#                                comparisons in ahpsurvey's survey coding (a negative value
#                                -k in column A_B means A is k times as important as B; a
#                                positive k means B is k times as important as A, hence
#                                ahp.mat(negconvert = TRUE));
#   expected_group_ahp.csv       long format: quantity, rater, row, column, value, with
#                                  matrix     ahp.mat's matrix of raters 1-3 (a check on the
#                                             coding) and of "group" = ahp.aggjudge geometric;
#                                  weight     principal eigenvector (base R eigen(), scaled to
#                                             sum 1) of each rater's matrix and of the group's;
#                                  lambda_max, ci  per rater and for the group (base R eigen());
#                                  cr_ahpsurvey    ahp.cr per rater (its RI for n = 5 is
#                                             1.1081014, not Saaty's 1.12);
#   expected_group_ahp_versions.txt
# Every number is written with 17 significant digits (sprintf("%.17g")), so it round-trips.

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript make_group_ahp_reference.R /path/to/ahpsurvey-source")
src <- args[[1]]
here <- "tests/reference"

load(file.path(src, "data", "city200.rda"))
for (f in c("ahp_mat.R", "ahp_aggjudge.R", "ahp_cr.R")) source(file.path(src, "R", f))
atts <- c("cult", "fam", "house", "jobs", "trans")

write.csv(city200, file.path(here, "input_ahpsurvey_city200.csv"), row.names = FALSE)

mats <- ahp.mat(city200, atts, negconvert = TRUE)
group <- ahp.aggjudge(mats, atts, aggmethod = "geometric")
cr <- ahp.cr(mats, atts)

num <- function(x) sprintf("%.17g", x)
rows <- list()
add <- function(quantity, rater, row, column, value) {
  rows[[length(rows) + 1]] <<- data.frame(quantity = quantity, rater = rater, row = row,
                                          column = column, value = num(value))
}
principal <- function(m) {
  e <- eigen(m)
  k <- which.max(Re(e$values))
  v <- abs(Re(e$vectors[, k]))
  list(lambda = Re(e$values[k]), weight = v / sum(v))
}
matrix_rows <- function(rater, m) {
  for (i in seq_along(atts)) for (j in seq_along(atts)) add("matrix", rater, atts[i], atts[j], m[i, j])
}
eigen_rows <- function(rater, m) {
  p <- principal(m)
  for (i in seq_along(atts)) add("weight", rater, atts[i], "", p$weight[i])
  add("lambda_max", rater, "", "", p$lambda)
  add("ci", rater, "", "", (p$lambda - length(atts)) / (length(atts) - 1))
}

for (k in 1:3) matrix_rows(as.character(k), mats[[k]])
matrix_rows("group", group)
for (k in seq_along(mats)) {
  eigen_rows(as.character(k), mats[[k]])
  add("cr_ahpsurvey", as.character(k), "", "", cr[k])
}
eigen_rows("group", group)

write.csv(do.call(rbind, rows), file.path(here, "expected_group_ahp.csv"), row.names = FALSE,
          quote = FALSE)
description <- read.dcf(file.path(src, "DESCRIPTION"))
writeLines(c(R.version.string,
             paste("ahpsurvey", description[1, "Version"], "(R code and data/city200.rda run from its source)")),
           file.path(here, "expected_group_ahp_versions.txt"))
