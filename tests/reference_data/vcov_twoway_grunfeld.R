# Two-way clustered (firm and year) covariance of the two-way FE model on plm's Grunfeld
# data, from an independent implementation: R sandwich::vcovCL (Zeileis, Koell & Graham
# 2020) on the dummy-variable regression lm(inv ~ value + capital + factor(year) +
# factor(firm)). With type = "HC0", cadjust = FALSE and multi0 = FALSE vcovCL returns the
# raw Cameron-Gelbach-Miller sum V_firm + V_year - V_firm x year (no small-sample factor);
# the printed "raw" values are that. The "cadjust" values are sandwich's default per-term
# G/(G-1) (for comparison only). The project's convention multiplies the raw sum by
# c = G_min/(G_min - 1) * (n - 1)/(n - k), G_min = min(10 firms, 20 years) = 10, n = 200,
# k = 22 (constant, value, capital, 19 year dummies), as reghdfe / fixest's default.
# Run: Rscript vcov_twoway_grunfeld.R > vcov_twoway_grunfeld.out
library(sandwich)
options(digits = 15)
cat("R:", R.version.string, "\n")
cat("sandwich:", as.character(packageVersion("sandwich")), "\n")
g <- read.csv("grunfeld.csv")
m <- lm(inv ~ value + capital + factor(year) + factor(firm), data = g)
raw <- vcovCL(m, cluster = ~ firm + year, type = "HC0", cadjust = FALSE, multi0 = FALSE)
adj <- vcovCL(m, cluster = ~ firm + year, type = "HC0", cadjust = TRUE, multi0 = FALSE)
for (v in c("value", "capital")) {
  cat(sprintf("coef %s %.12e\n", v, coef(m)[[v]]))
  cat(sprintf("raw_var %s %.12e\n", v, raw[v, v]))
  cat(sprintf("cadjust_var %s %.12e\n", v, adj[v, v]))
}
cat(sprintf("raw_cov value capital %.12e\n", raw["value", "capital"]))
