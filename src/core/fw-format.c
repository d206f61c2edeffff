/* fw-format.c
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions, so the words on every tile are tested without a display.
 */

#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "fw-format.h"

/**
 * fw_format_value:
 *
 * Returns: (transfer full): @value with as many decimals as the parameter
 *   is worth, in the user's locale; a dash when there is no value
 */
char *
fw_format_value (FwParameter parameter,
                 double      value)
{
  const FwParameterInfo *info = fw_parameter_get_info (parameter);

  g_return_val_if_fail (info != NULL, NULL);

  if (!isfinite (value))
    return g_strdup ("—");

  /* Avoid "-0.0" for a value that rounds to zero. */
  if (fabs (value) < 0.5 * pow (10, -info->digits))
    value = 0.0;

  return g_strdup_printf ("%.*f", info->digits, value);
}

/**
 * fw_format_value_with_unit:
 *
 * Returns: (transfer full): such as "6.4 mg/L", or "7.85" for pH
 */
char *
fw_format_value_with_unit (FwParameter parameter,
                           double      value)
{
  g_autofree char *number = fw_format_value (parameter, value);
  const char *unit = fw_parameter_get_unit (parameter);

  if (!isfinite (value) || unit == NULL || *unit == '\0')
    return g_steal_pointer (&number);

  /* TRANSLATORS: a measured value and its unit, such as "6.4 mg/L" */
  return g_strdup_printf (C_("value with unit", "%s %s"), number, unit);
}

/**
 * fw_format_slope:
 *
 * Returns: (transfer full): such as "+0.4 mg/L per hour"
 */
char *
fw_format_slope (FwParameter parameter,
                 double      slope_per_hour)
{
  const FwParameterInfo *info = fw_parameter_get_info (parameter);
  g_autofree char *number = NULL;

  g_return_val_if_fail (info != NULL, NULL);

  if (!isfinite (slope_per_hour))
    return g_strdup (_("No trend yet"));

  /* "+0.0" rather than "-0.0" for a change too small to show. */
  if (fabs (slope_per_hour) < 0.5 * pow (10, -info->digits))
    slope_per_hour = 0.0;

  number = g_strdup_printf ("%+.*f", info->digits, slope_per_hour);

  if (*info->unit == '\0')
    /* TRANSLATORS: a change of a unitless value such as pH, e.g. "+0.05 per hour" */
    return g_strdup_printf (_("%s per hour"), number);

  /* TRANSLATORS: a change with its unit, such as "+0.4 mg/L per hour" */
  return g_strdup_printf (_("%s %s per hour"), number, info->unit);
}

/**
 * fw_format_area:
 *
 * Returns: (transfer full): hectares for ponds, square metres for tanks
 */
char *
fw_format_area (double square_metres)
{
  if (!(square_metres > 0))
    return g_strdup (_("Not recorded"));

  if (square_metres >= 10000)
    /* TRANSLATORS: an area in hectares */
    return g_strdup_printf (_("%.1f ha"), square_metres / 10000);

  /* TRANSLATORS: an area in square metres */
  return g_strdup_printf (_("%.1f m²"), square_metres);
}

/**
 * fw_format_volume:
 *
 * Returns: (transfer full): the volume in cubic metres, whole above 100
 */
char *
fw_format_volume (double cubic_metres)
{
  if (!(cubic_metres > 0))
    return g_strdup (_("Not recorded"));

  /* TRANSLATORS: a volume in cubic metres */
  return g_strdup_printf (_("%.*f m³"), cubic_metres >= 100 ? 0 : 1, cubic_metres);
}

/**
 * fw_format_age:
 * @then: when something happened
 * @now: the present
 *
 * Returns: (transfer full): how long ago, in the largest whole unit
 */
char *
fw_format_age (FwTime then,
               FwTime now)
{
  FwTime age = now - then;

  if (then <= 0)
    return g_strdup (_("Never"));

  /* A clock a little ahead of ours is not news worth a strange message. */
  if (age < 60)
    return g_strdup (_("Just now"));

  if (age < 3600)
    {
      int minutes = (int) (age / 60);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago", minutes), minutes);
    }

  if (age < 2 * 86400)
    {
      int hours = (int) (age / 3600);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago", hours), hours);
    }

  {
    int days = (int) MIN (age / 86400, G_MAXINT);

    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", days), days);
  }
}
