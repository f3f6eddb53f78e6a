#!/usr/bin/env Rscript
# compare_arms.R — open an msksim result with ncdf4 and draw one comparison.
#
#   Rscript analysis/examples/compare_arms.R output/compare-interventions.h5 [ARM] [OUT.png]
#
# Knee-extension strength over time: the mean of ARM (default: the last arm) and of the
# reference arm, and below it their paired difference with its 95% confidence interval
# (the same virtual people in both arms). Prints the end-of-study summary of every arm.
# ncdf4 returns an (arm, time) variable as a matrix indexed [time, arm] (netCDF's
# dimension order reversed), with the arm names in the `arm` coordinate.
suppressPackageStartupMessages(library(ncdf4))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: compare_arms.R RESULT.h5 [ARM] [OUT.png]")
nc <- nc_open(args[1])
arms <- ncvar_get(nc, "arm")
ref <- ncatt_get(nc, 0, "reference_arm")$value
arm <- if (length(args) >= 2) args[2] else arms[length(arms)]
out <- if (length(args) >= 3) args[3] else "compare_arms.png"
if (!(arm %in% arms)) stop(sprintf("no arm '%s' in %s (arms: %s)", arm, args[1], paste(arms, collapse = ", ")))

week <- ncvar_get(nc, "week")
col <- function(name, a) ncvar_get(nc, name)[, match(a, arms)]
var <- "knee_extension_strength"
units <- ncatt_get(nc, paste0(var, "_mean"), "units")$value

png(out, width = 700, height = 600)
par(mfrow = c(2, 1), mar = c(4, 4.5, 2, 1))
m_ref <- col(paste0(var, "_mean"), ref)
m_arm <- col(paste0(var, "_mean"), arm)
plot(week, m_arm, type = "l", col = "firebrick", ylim = range(c(m_ref, m_arm), na.rm = TRUE),
     xlab = "", ylab = sprintf("mean strength (%s)", units), main = "people alive at each time")
lines(week, m_ref, col = "black")
legend("topleft", legend = c(arm, ref), col = c("firebrick", "black"), lty = 1, bty = "n")
d <- col(paste0(var, "_difference"), arm)
lo <- col(paste0(var, "_difference_ci_low"), arm)
hi <- col(paste0(var, "_difference_ci_high"), arm)
plot(week, d, type = "n", ylim = range(c(lo, hi), na.rm = TRUE), xlab = "weeks since the start",
     ylab = sprintf("paired difference (%s)", units))
polygon(c(week, rev(week)), c(lo, rev(hi)), col = "grey85", border = NA)
lines(week, d, col = "firebrick")
abline(h = 0, col = "grey50")
invisible(dev.off())

# The summary group has its own arm coordinate: one value per arm.
s <- data.frame(arm = ncvar_get(nc, "summary/arm"))
for (v in c(paste0(var, "_change_pct"), "fn_bmd_change_pct", "falls_per_1000py", "deaths_per_1000py"))
  s[[v]] <- round(ncvar_get(nc, paste0("summary/", v)), 2)
print(s, row.names = FALSE)
nc_close(nc)
cat(sprintf("wrote %s\n", out))
