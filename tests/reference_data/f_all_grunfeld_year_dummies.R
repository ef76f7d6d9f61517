# The model F of Stata's `xtreg inv value capital i.year, fe` (conventional covariance):
# the F test that every coefficient but the constant is zero, year dummies included,
# in the within regression -- the nested-model F of the dummy-variable regression
# with firm and year effects against the one with firm effects only. And the F of the
# named regressors only (year dummies kept in both), which is plm's two-way F.
# Run: Rscript f_all_grunfeld_year_dummies.R > f_all_grunfeld_year_dummies.out
Grunfeld <- read.csv("grunfeld.csv")  # plm's Grunfeld (README.md)
cat("R:", R.version.string, "\n")
full <- lm(inv ~ value + capital + factor(year) + factor(firm), data = Grunfeld)
firm_only <- lm(inv ~ factor(firm), data = Grunfeld)
years_firms <- lm(inv ~ factor(year) + factor(firm), data = Grunfeld)
a <- anova(firm_only, full)
b <- anova(years_firms, full)
cat(sprintf("f_all statistic %.12f df_num %d df_denom %d p_value %.12e\n",
            a$F[2], as.integer(a$Df[2]), as.integer(a$Res.Df[2]), a$`Pr(>F)`[2]))
cat(sprintf("f_named statistic %.12f df_num %d df_denom %d p_value %.12e\n",
            b$F[2], as.integer(b$Df[2]), as.integer(b$Res.Df[2]), b$`Pr(>F)`[2]))
# base R only (stats::lm, stats::anova)
