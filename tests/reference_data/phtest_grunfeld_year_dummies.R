# Hausman test, within vs random (Swamy-Arora), on plm's Grunfeld data with year dummies
# (factor(year)) in both models: phtest compares every coefficient the two models share
# except the intercept, which is Stata's `hausman fe re` default.
# Run: Rscript phtest_grunfeld_year_dummies.R > phtest_grunfeld_year_dummies.out
library(plm)
data("Grunfeld", package = "plm")
options(digits = 15)
cat("R:", R.version.string, "\n")
cat("plm:", as.character(packageVersion("plm")), "\n")
f <- inv ~ value + capital + factor(year)
fe <- plm(f, data = Grunfeld, model = "within")
re <- plm(f, data = Grunfeld, model = "random", random.method = "swar")
h <- phtest(fe, re)
print(h)
cat(sprintf("statistic %.12f\ndf %d\np_value %.12e\n", unname(h$statistic),
            as.integer(h$parameter), h$p.value))
# The two-regressor model without year dummies (plm's own documented example)
h0 <- phtest(inv ~ value + capital, data = Grunfeld)
cat(sprintf("no_year_dummies statistic %.12f df %d p_value %.12e\n",
            unname(h0$statistic), as.integer(h0$parameter), h0$p.value))
# The data are the rows of ../grunfeld.csv (checked: write.csv(Grunfeld) read back in
# Python equals that file in every cell)
