/* fw-parameter.c — the catalogue of water-quality parameters
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "fw-parameter.h"

/* Default limits before a farm sets its own alert rules. They are the
 * generic ranges for warm-water pond fish; species-specific rule sets
 * replace them where a farm has them.
 *
 * - Dissolved oxygen: below 5 mg/L fish feed and grow poorly, below 3 mg/L
 *   most warm-water fish are stressed and die with long exposure.
 *   C. E. Boyd, "Water Quality in Ponds for Aquaculture" (1990), ch. 6;
 *   SRAC Publication 4601 (Hargreaves & Tucker, 2002).
 * - pH: 6.5 to 9 is the desirable range for pond fish production; outside
 *   6 to 9.5 growth suffers badly. Boyd (1990), ch. 4, table 4.3.
 * - Total ammonia nitrogen: toxicity is the un-ionised share, which grows
 *   with pH and temperature; at pond pH in the afternoon (8.5 to 9) 1 mg/L
 *   TAN already gives 0.1 to 0.3 mg/L NH3. SRAC Publication 4603
 *   (Hargreaves & Tucker, 2004).
 * - Nitrite: channel catfish show brown-blood disease from about 0.5 mg/L
 *   NO2-N at low chloride. SRAC Publication 462 (Durborow et al., 1997).
 * - Temperature, salinity and turbidity have no species-free limit.
 *
 * Plausible ranges bound what a working probe can report; dissolved oxygen
 * above 30 mg/L is not water (saturation at 0 °C is 14.6 mg/L, and even
 * pure-oxygen supersaturation stays well below 30).
 */
static const FwParameterInfo parameters[FW_N_PARAMETERS] = {
  { FW_PARAMETER_TEMPERATURE, "temperature",
    N_("Temperature"), N_("Temp."), "°C", 1,
    -5.0, 50.0, NAN, NAN, NAN, NAN, 0.2 },
  { FW_PARAMETER_DISSOLVED_OXYGEN, "dissolved_oxygen",
    N_("Dissolved oxygen"), N_("DO"), "mg/L", 1,
    0.0, 30.0, 3.0, 5.0, NAN, NAN, 0.3 },
  { FW_PARAMETER_PH, "ph",
    N_("pH"), N_("pH"), "", 2,
    0.0, 14.0, 6.0, 6.5, 9.0, 9.5, 0.05 },
  { FW_PARAMETER_TOTAL_AMMONIA, "total_ammonia_nitrogen",
    N_("Total ammonia nitrogen"), N_("TAN"), "mg/L", 2,
    0.0, 100.0, NAN, NAN, 1.0, 2.0, 0.05 },
  { FW_PARAMETER_NITRITE, "nitrite",
    N_("Nitrite"), N_("NO₂⁻"), "mg/L", 2,
    0.0, 100.0, NAN, NAN, 0.5, 1.0, 0.02 },
  { FW_PARAMETER_SALINITY, "salinity",
    N_("Salinity"), N_("Sal."), "ppt", 1,
    0.0, 60.0, NAN, NAN, NAN, NAN, 0.1 },
  { FW_PARAMETER_TURBIDITY, "turbidity",
    N_("Turbidity"), N_("Turb."), "NTU", 0,
    0.0, 4000.0, NAN, NAN, NAN, NAN, 2.0 },
};

const FwParameterInfo *
fw_parameter_get_info (FwParameter parameter)
{
  g_return_val_if_fail ((guint) parameter < FW_N_PARAMETERS, NULL);

  return &parameters[parameter];
}

/**
 * fw_parameter_get_limits:
 * @limits: (out caller-allocates): the parameter's default warning and
 *   critical levels, which a unit's alert rules will refine
 */
void
fw_parameter_get_limits (FwParameter  parameter,
                         FwLimits    *limits)
{
  const FwParameterInfo *info = fw_parameter_get_info (parameter);

  g_return_if_fail (info != NULL);
  g_return_if_fail (limits != NULL);

  *limits = (FwLimits) { info->critical_low, info->warning_low, info->warning_high, info->critical_high };
}

gboolean
fw_parameter_from_id (const char  *id,
                      FwParameter *parameter)
{
  g_return_val_if_fail (id != NULL, FALSE);

  for (guint i = 0; i < FW_N_PARAMETERS; i++)
    {
      if (g_str_equal (parameters[i].id, id))
        {
          if (parameter != NULL)
            *parameter = parameters[i].parameter;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
fw_parameter_to_id (FwParameter parameter)
{
  g_return_val_if_fail ((guint) parameter < FW_N_PARAMETERS, NULL);

  return parameters[parameter].id;
}

const char *
fw_parameter_get_label (FwParameter parameter)
{
  g_return_val_if_fail ((guint) parameter < FW_N_PARAMETERS, NULL);

  return _(parameters[parameter].label);
}

const char *
fw_parameter_get_short_label (FwParameter parameter)
{
  g_return_val_if_fail ((guint) parameter < FW_N_PARAMETERS, NULL);

  return _(parameters[parameter].short_label);
}

const char *
fw_parameter_get_unit (FwParameter parameter)
{
  g_return_val_if_fail ((guint) parameter < FW_N_PARAMETERS, NULL);

  return parameters[parameter].unit;
}

/* Comparisons with NAN are false, so a missing limit never fires. */
FwStatus
fw_parameter_classify (FwParameter parameter,
                       double      value)
{
  const FwParameterInfo *info;

  g_return_val_if_fail ((guint) parameter < FW_N_PARAMETERS, FW_STATUS_NO_DATA);

  if (isnan (value))
    return FW_STATUS_NO_DATA;

  info = &parameters[parameter];

  if (value < info->critical_low || value > info->critical_high)
    return FW_STATUS_CRITICAL;

  if (value < info->warning_low || value > info->warning_high)
    return FW_STATUS_WARNING;

  return FW_STATUS_OK;
}

FwStatus
fw_status_worst (FwStatus a,
                 FwStatus b)
{
  return MAX (a, b);
}

const char *
fw_status_to_string (FwStatus status)
{
  switch (status)
    {
    case FW_STATUS_OK:
      return "ok";
    case FW_STATUS_NO_DATA:
      return "no-data";
    case FW_STATUS_SILENT:
      return "silent";
    case FW_STATUS_WARNING:
      return "warning";
    case FW_STATUS_CRITICAL:
      return "critical";
    default:
      g_return_val_if_reached ("no-data");
    }
}

const char *
fw_status_get_label (FwStatus status)
{
  switch (status)
    {
    case FW_STATUS_OK:
      return _("Normal");
    case FW_STATUS_NO_DATA:
      return _("No readings");
    case FW_STATUS_SILENT:
      return _("Sensor silent");
    case FW_STATUS_WARNING:
      return _("Warning");
    case FW_STATUS_CRITICAL:
      return _("Critical");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
fw_trend_get_label (FwTrend trend)
{
  switch (trend)
    {
    case FW_TREND_UNKNOWN:
      return _("Trend unknown");
    case FW_TREND_STEADY:
      return _("Steady");
    case FW_TREND_RISING:
      return _("Rising");
    case FW_TREND_FALLING:
      return _("Falling");
    default:
      g_return_val_if_reached (NULL);
    }
}
