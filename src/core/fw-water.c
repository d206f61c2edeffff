/* fw-water.c — what a water sample says beyond its numbers
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two calculators a pond worker needs at the pond side:
 *
 * - the share of total ammonia nitrogen that is un-ionised (NH3), the form
 *   that poisons fish, from temperature and pH, for fresh water:
 *   Emerson K., Russo R. C., Lund R. E., Thurston R. V. (1975). Aqueous
 *   ammonia equilibrium calculations: effect of pH and temperature.
 *   J. Fish. Res. Board Can. 32: 2379–2383.
 *
 * - the dissolved oxygen concentration at saturation in water in contact
 *   with air at one atmosphere, from temperature and salinity:
 *   Benson B. B., Krause D. (1984). The concentration and isotopic
 *   fractionation of oxygen dissolved in freshwater and seawater in
 *   equilibrium with the atmosphere. Limnol. Oceanogr. 29: 620–632, in the
 *   form given by APHA, Standard Methods for the Examination of Water and
 *   Wastewater, method 4500-O.
 *
 * Inputs outside the ranges the equations were fitted over are refused
 * with a message that names the input, rather than extrapolated.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "fw-water.h"

G_DEFINE_QUARK (fw-water-error-quark, fw_water_error)

static gboolean
check_range (const char  *what,
             double       value,
             double       min,
             double       max,
             const char  *unit,
             GError     **error)
{
  if (isfinite (value) && value >= min && value <= max)
    return TRUE;

  if (*unit == '\0')
    /* TRANSLATORS: e.g. "pH 15 is outside 0–14, where the equation holds" */
    g_set_error (error, FW_WATER_ERROR, FW_WATER_ERROR_OUT_OF_RANGE,
                 _("%s %g is outside %g–%g, where the equation holds"),
                 what, value, min, max);
  else
    /* TRANSLATORS: e.g. "Temperature 52 °C is outside 0–40 °C, where the
     * equation holds" */
    g_set_error (error, FW_WATER_ERROR, FW_WATER_ERROR_OUT_OF_RANGE,
                 _("%s %g %s is outside %g–%g %s, where the equation holds"),
                 what, value, unit, min, max, unit);
  return FALSE;
}

/**
 * fw_water_unionised_ammonia_fraction:
 * @temperature_c: water temperature, 0–40 °C
 * @ph: pH, 0–14
 * @fraction: (out): the un-ionised share of total ammonia nitrogen, 0–1
 *
 * Emerson et al. (1975), fresh water:
 *   pKa = 0.09018 + 2729.92 / T, with T = t + 273.2 K,
 *   fraction = 1 / (10^(pKa − pH) + 1).
 * Multiply by the total ammonia nitrogen for mg/L of NH3-N.
 */
gboolean
fw_water_unionised_ammonia_fraction (double   temperature_c,
                                     double   ph,
                                     double  *fraction,
                                     GError **error)
{
  double pka;

  g_return_val_if_fail (fraction != NULL, FALSE);

  if (!check_range (_("Temperature"), temperature_c, 0, 40, "°C", error) ||
      !check_range (_("pH"), ph, 0, 14, "", error))
    return FALSE;

  pka = 0.09018 + 2729.92 / (temperature_c + 273.2);
  *fraction = 1.0 / (pow (10, pka - ph) + 1.0);
  return TRUE;
}

/**
 * fw_water_oxygen_saturation:
 * @temperature_c: water temperature, 0–40 °C
 * @salinity_ppt: salinity, 0–40 g/kg (0 for fresh water)
 * @saturation_mg_l: (out): dissolved oxygen at saturation, mg/L
 *
 * Benson and Krause (1984) as in APHA 4500-O, at 1 atm:
 *   ln C = −139.34411 + 1.575701e5/T − 6.642308e7/T² + 1.243800e10/T³
 *          − 8.621949e11/T⁴ − S (1.7674e−2 − 10.754/T + 2140.7/T²),
 * with T = t + 273.15 K and S the salinity in g/kg.
 */
gboolean
fw_water_oxygen_saturation (double   temperature_c,
                            double   salinity_ppt,
                            double  *saturation_mg_l,
                            GError **error)
{
  double t, ln_c;

  g_return_val_if_fail (saturation_mg_l != NULL, FALSE);

  if (!check_range (_("Temperature"), temperature_c, 0, 40, "°C", error) ||
      !check_range (_("Salinity"), salinity_ppt, 0, 40, "g/kg", error))
    return FALSE;

  t = temperature_c + 273.15;
  ln_c = -139.34411
         + 1.575701e5 / t
         - 6.642308e7 / (t * t)
         + 1.243800e10 / (t * t * t)
         - 8.621949e11 / (t * t * t * t)
         - salinity_ppt * (1.7674e-2 - 1.0754e1 / t + 2.1407e3 / (t * t));

  *saturation_mg_l = exp (ln_c);
  return TRUE;
}
