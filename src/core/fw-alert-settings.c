/* fw-alert-settings.c — what an alert rule watches for, and the defaults
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A rule holds everything the evaluator needs to know about one parameter:
 * the limits, how far back inside a limit an alert ends (hysteresis), how
 * long a limit must be crossed before anyone is woken up, when a quiet or
 * frozen probe counts as a fault, how fast a fall is alarming, and, for
 * dissolved oxygen, what the evening's decline predicts for dawn.
 */

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib/gi18n-lib.h>

#include "fw-alert-settings.h"
#include "fw-names.h"

G_DEFINE_QUARK (fw-alert-settings-error-quark, fw_alert_settings_error)

static const char *const severity_ids[FW_N_SEVERITIES] = { "none", "warning", "critical" };

static const char *const condition_ids[FW_N_ALERT_CONDITIONS] = {
  "low", "high", "silent", "stuck", "falling", "dawn",
};

const char *
fw_severity_to_string (FwSeverity severity)
{
  g_return_val_if_fail ((guint) severity < FW_N_SEVERITIES, NULL);

  return severity_ids[severity];
}

gboolean
fw_severity_from_string (const char *text,
                         FwSeverity *severity)
{
  return fw_names_lookup (severity_ids, FW_N_SEVERITIES, text, (guint *) severity);
}

const char *
fw_severity_get_label (FwSeverity severity)
{
  switch (severity)
    {
    case FW_SEVERITY_NONE:
      return _("None");
    case FW_SEVERITY_WARNING:
      return _("Warning");
    case FW_SEVERITY_CRITICAL:
      return _("Critical");
    default:
      g_return_val_if_reached (NULL);
    }
}

FwStatus
fw_severity_to_status (FwSeverity severity)
{
  switch (severity)
    {
    case FW_SEVERITY_WARNING:
      return FW_STATUS_WARNING;
    case FW_SEVERITY_CRITICAL:
      return FW_STATUS_CRITICAL;
    case FW_SEVERITY_NONE:
    default:
      return FW_STATUS_OK;
    }
}

const char *
fw_alert_condition_to_string (FwAlertCondition condition)
{
  g_return_val_if_fail ((guint) condition < FW_N_ALERT_CONDITIONS, NULL);

  return condition_ids[condition];
}

gboolean
fw_alert_condition_from_string (const char       *text,
                                FwAlertCondition *condition)
{
  return fw_names_lookup (condition_ids, FW_N_ALERT_CONDITIONS, text, (guint *) condition);
}

const char *
fw_alert_condition_get_label (FwAlertCondition condition)
{
  switch (condition)
    {
    case FW_ALERT_CONDITION_LOW:
      return _("Too low");
    case FW_ALERT_CONDITION_HIGH:
      return _("Too high");
    case FW_ALERT_CONDITION_SILENT:
      return _("Sensor silent");
    case FW_ALERT_CONDITION_STUCK:
      return _("Sensor stuck");
    case FW_ALERT_CONDITION_FALLING:
      return _("Falling fast");
    case FW_ALERT_CONDITION_DAWN:
      return _("Low at dawn");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Species rule sets. Each row overrides the generic limits of
 * fw-parameter.c for one parameter; NAN keeps "no such limit".
 *
 * Channel catfish: ponds are aerated when dissolved oxygen falls to about
 *   3 mg/L and fish are stressed below 2; feeding falls off above 32 °C.
 *   C. S. Tucker & J. A. Hargreaves (eds.), "Biology and Culture of Channel
 *   Catfish" (Elsevier, 2004), ch. 8 and 9; C. E. Boyd & C. S. Tucker,
 *   "Pond Aquaculture Water Quality Management" (Kluwer, 1998), ch. 8.
 * Nile tilapia: growth is best at 25–30 °C, feeding stops near 16 °C and
 *   fish die near 10 °C or above 40 °C; they live through 1 mg/L oxygen
 *   but grow poorly below 3; pH 6.5–9 is best, 5–10 is tolerated.
 *   A.-F. M. El-Sayed, "Tilapia Culture" (CABI, 2006), ch. 3.
 * Rainbow trout and Atlantic salmon (cold-water salmonids): oxygen above
 *   7 mg/L for good growth, stress below 5; best growth near 15 °C,
 *   stress above 20 and death near 25 °C; un-ionised ammonia and nitrite
 *   harm salmonids at lower levels than pond fish. B. Molony,
 *   "Environmental requirements and tolerances of Rainbow trout and Brown
 *   trout", Fisheries Research Report 130 (Fisheries WA, 2001);
 *   R. V. Thurston et al., "Ammonia toxicity to fishes" (1981); W. M. Lewis
 *   & D. P. Morris, "Toxicity of nitrite to fish: a review", Trans. Am.
 *   Fish. Soc. 115 (1986) 183–195.
 * Whiteleg shrimp: oxygen above 5 mg/L recommended, below 2 dangerous;
 *   28–32 °C; salinity 0.5–45 ppt is tolerated, 2–40 is safe; pH 7–9;
 *   TAN below 3 mg/L. P. Van Wyk & J. Scarpa, "Water quality requirements
 *   and management", ch. 8 of "Farming Marine Shrimp in Recirculating
 *   Freshwater Systems" (Harbor Branch Oceanographic Institution, 1999).
 *
 * The dawn limit is the projected dawn oxygen at which aerators should be
 * started: 3 mg/L in catfish ponds (Boyd & Tucker 1998, ch. 8), higher for
 * the more demanding species.
 */
typedef struct
{
  const char  *species;
  FwParameter  parameter;
  FwLimits     limits;
  double       dawn_limit;
} SpeciesLimits;

static const SpeciesLimits species_limits[] = {
  { "channel_catfish", FW_PARAMETER_DISSOLVED_OXYGEN, { 2.0, 3.0, NAN, NAN }, 3.0 },
  { "channel_catfish", FW_PARAMETER_TEMPERATURE, { NAN, NAN, 32.0, 35.0 }, NAN },

  { "nile_tilapia", FW_PARAMETER_DISSOLVED_OXYGEN, { 2.0, 3.0, NAN, NAN }, 3.0 },
  { "nile_tilapia", FW_PARAMETER_TEMPERATURE, { 16.0, 22.0, 32.0, 37.0 }, NAN },
  { "nile_tilapia", FW_PARAMETER_PH, { 5.0, 6.5, 9.0, 10.0 }, NAN },

  { "rainbow_trout", FW_PARAMETER_DISSOLVED_OXYGEN, { 5.0, 7.0, NAN, NAN }, 6.0 },
  { "rainbow_trout", FW_PARAMETER_TEMPERATURE, { NAN, NAN, 20.0, 23.0 }, NAN },
  { "rainbow_trout", FW_PARAMETER_PH, { 6.0, 6.5, 8.5, 9.0 }, NAN },
  { "rainbow_trout", FW_PARAMETER_TOTAL_AMMONIA, { NAN, NAN, 0.5, 1.0 }, NAN },
  { "rainbow_trout", FW_PARAMETER_NITRITE, { NAN, NAN, 0.1, 0.3 }, NAN },

  { "atlantic_salmon", FW_PARAMETER_DISSOLVED_OXYGEN, { 5.0, 7.0, NAN, NAN }, 6.0 },
  { "atlantic_salmon", FW_PARAMETER_TEMPERATURE, { NAN, NAN, 20.0, 23.0 }, NAN },
  { "atlantic_salmon", FW_PARAMETER_PH, { 6.0, 6.5, 8.5, 9.0 }, NAN },
  { "atlantic_salmon", FW_PARAMETER_TOTAL_AMMONIA, { NAN, NAN, 0.5, 1.0 }, NAN },
  { "atlantic_salmon", FW_PARAMETER_NITRITE, { NAN, NAN, 0.1, 0.3 }, NAN },

  { "whiteleg_shrimp", FW_PARAMETER_DISSOLVED_OXYGEN, { 2.5, 4.0, NAN, NAN }, 3.5 },
  { "whiteleg_shrimp", FW_PARAMETER_TEMPERATURE, { 18.0, 23.0, 32.0, 35.0 }, NAN },
  { "whiteleg_shrimp", FW_PARAMETER_PH, { 6.5, 7.0, 9.0, 9.5 }, NAN },
  { "whiteleg_shrimp", FW_PARAMETER_SALINITY, { 0.5, 2.0, 40.0, 45.0 }, NAN },
  { "whiteleg_shrimp", FW_PARAMETER_TOTAL_AMMONIA, { NAN, NAN, 1.0, 3.0 }, NAN },
};

static const char *const species_with_rules[] = {
  "channel_catfish", "nile_tilapia", "rainbow_trout", "atlantic_salmon", "whiteleg_shrimp", NULL,
};

/* Behaviour shared by every species, per parameter.
 *
 * Hysteresis is a little more than a probe's noise at the limit (about
 * ±0.2 mg/L for optical DO probes, ±0.05 pH), so a value hovering at the
 * limit raises one alert. Five minutes above a limit before firing rides
 * out a fish brushing the probe; three missed reports mean a dead probe or
 * link. A live pond probe never reports exactly the same value for two
 * hours of dissolved oxygen or six of temperature and pH: the water moves
 * with the sun. Night-time oxygen falls by 0.3 to 1 mg/L an hour in a
 * healthy pond (Boyd & Tucker 1998, ch. 8), faster in the first hours
 * after a bright afternoon's supersaturation; 2 mg/L an hour sustained
 * for an hour means a plankton die-off or a failed aerator.
 */
typedef struct
{
  double hysteresis;
  FwTime stuck_after;
  double falling_per_hour;
} Behaviour;

static const Behaviour behaviours[FW_N_PARAMETERS] = {
  [FW_PARAMETER_TEMPERATURE] = { 0.5, 6 * 3600, 0.0 },
  [FW_PARAMETER_DISSOLVED_OXYGEN] = { 0.5, 2 * 3600, 2.0 },
  [FW_PARAMETER_PH] = { 0.1, 6 * 3600, 0.0 },
  [FW_PARAMETER_TOTAL_AMMONIA] = { 0.1, 12 * 3600, 0.0 },
  [FW_PARAMETER_NITRITE] = { 0.05, 12 * 3600, 0.0 },
  [FW_PARAMETER_SALINITY] = { 0.5, 12 * 3600, 0.0 },
  [FW_PARAMETER_TURBIDITY] = { 5.0, 0, 0.0 },
};

const char *const *
fw_alert_species_list (void)
{
  return species_with_rules;
}

/**
 * fw_alert_settings_get_default:
 * @species: (nullable): a species id such as "nile_tilapia"; %NULL or an
 *   unknown species gets the generic warm-water limits
 *
 * Fills @settings with the default rule for @parameter.
 */
void
fw_alert_settings_get_default (const char      *species,
                               FwParameter      parameter,
                               FwAlertSettings *settings)
{
  const Behaviour *behaviour;

  g_return_if_fail ((guint) parameter < FW_N_PARAMETERS);
  g_return_if_fail (settings != NULL);

  behaviour = &behaviours[parameter];

  *settings = (FwAlertSettings) {
    .hysteresis = behaviour->hysteresis,
    .min_duration = 5 * 60,
    .silent_after = 3,
    .stuck_after = behaviour->stuck_after,
    .falling_per_hour = behaviour->falling_per_hour,
    .falling_window = behaviour->falling_per_hour > 0 ? 3600 : 0,
    .dawn_limit = NAN,
    .dusk_minute = 18 * 60 + 30,
    .dawn_minute = 6 * 60,
    .remind_every = 15 * 60,
  };
  fw_parameter_get_limits (parameter, &settings->limits);

  if (parameter == FW_PARAMETER_DISSOLVED_OXYGEN)
    settings->dawn_limit = settings->limits.warning_low;

  for (guint i = 0; species != NULL && i < G_N_ELEMENTS (species_limits); i++)
    {
      if (species_limits[i].parameter == parameter && g_str_equal (species_limits[i].species, species))
        {
          settings->limits = species_limits[i].limits;
          settings->dawn_limit = species_limits[i].dawn_limit;
        }
    }
}

/**
 * fw_alert_settings_get_source:
 *
 * Returns: where the defaults for @species come from, for people
 */
const char *
fw_alert_settings_get_source (const char *species)
{
  static const struct {
    const char *species;
    const char *source;
  } sources[] = {
    { "channel_catfish", N_("Tucker & Hargreaves, Biology and Culture of Channel Catfish (2004); Boyd & Tucker, Pond Aquaculture Water Quality Management (1998)") },
    { "nile_tilapia", N_("El-Sayed, Tilapia Culture (2006)") },
    { "rainbow_trout", N_("Molony, Environmental requirements and tolerances of rainbow trout (2001); Lewis & Morris (1986)") },
    { "atlantic_salmon", N_("Molony, Environmental requirements and tolerances of rainbow trout (2001); Lewis & Morris (1986)") },
    { "whiteleg_shrimp", N_("Van Wyk & Scarpa, Water quality requirements and management (1999)") },
  };

  for (guint i = 0; species != NULL && i < G_N_ELEMENTS (sources); i++)
    {
      if (g_str_equal (sources[i].species, species))
        return _(sources[i].source);
    }

  return _("Boyd, Water Quality in Ponds for Aquaculture (1990): warm-water pond fish");
}

static gboolean
invalid (char       **field,
         const char  *name,
         GError     **error,
         const char  *message)
{
  if (field != NULL)
    *field = g_strdup (name);
  g_set_error (error, FW_ALERT_SETTINGS_ERROR, FW_ALERT_SETTINGS_ERROR_INVALID, "%s: %s", name, message);
  return FALSE;
}

static gboolean
limit_in_range (const FwParameterInfo *info,
                double                 limit)
{
  return isnan (limit) || (limit >= info->plausible_min && limit <= info->plausible_max);
}

/**
 * fw_alert_settings_validate:
 * @field: (out) (optional): the name of the first bad field
 *
 * Checks that the limits are plausible for @parameter and in order
 * (critical low ≤ warning low < warning high ≤ critical high), and that
 * durations and rates are not negative.
 */
gboolean
fw_alert_settings_validate (const FwAlertSettings  *settings,
                            FwParameter             parameter,
                            char                  **field,
                            GError                **error)
{
  const FwParameterInfo *info = fw_parameter_get_info (parameter);
  const FwLimits *l = &settings->limits;
  const double order[] = { l->critical_low, l->warning_low, l->warning_high, l->critical_high };
  const char *const names[] = { "critical_low", "warning_low", "warning_high", "critical_high" };
  double previous = -INFINITY;

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      if (!limit_in_range (info, order[i]))
        return invalid (field, names[i], error, _("is outside what the sensor can measure"));
      if (isnan (order[i]))
        continue;
      if (order[i] < previous || (i == 2 && order[i] == previous))
        return invalid (field, names[i], error, _("is out of order with the other limits"));
      previous = order[i];
    }

  if (!(settings->hysteresis >= 0) || settings->hysteresis > (info->plausible_max - info->plausible_min) / 2)
    return invalid (field, "hysteresis", error, _("must be between zero and half the sensor's range"));
  if (settings->min_duration < 0 || settings->min_duration > 24 * 3600)
    return invalid (field, "min_duration_s", error, _("must be between 0 and 24 hours"));
  if (settings->silent_after > 1000)
    return invalid (field, "silent_after_intervals", error, _("must be at most 1000"));
  if (settings->stuck_after < 0 || settings->stuck_after > 7 * 24 * 3600)
    return invalid (field, "stuck_after_s", error, _("must be between 0 and 7 days"));
  if (!(settings->falling_per_hour >= 0))
    return invalid (field, "falling_per_hour", error, _("must not be negative"));
  if (settings->falling_per_hour > 0 && (settings->falling_window < 600 || settings->falling_window > 6 * 3600))
    return invalid (field, "falling_window_s", error, _("must be between 10 minutes and 6 hours"));
  if (!limit_in_range (info, settings->dawn_limit))
    return invalid (field, "dawn_limit", error, _("is outside what the sensor can measure"));
  if (settings->dusk_minute < 0 || settings->dusk_minute >= 24 * 60)
    return invalid (field, "dusk", error, _("must be a time of day"));
  if (settings->dawn_minute < 0 || settings->dawn_minute >= 24 * 60)
    return invalid (field, "dawn", error, _("must be a time of day"));
  if (settings->remind_every < 60 || settings->remind_every > 24 * 3600)
    return invalid (field, "remind_every_s", error, _("must be between 1 minute and 24 hours"));

  return TRUE;
}

static void
add_number (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_minute (JsonBuilder *builder,
            const char  *name,
            int          minute)
{
  g_autofree char *text = g_strdup_printf ("%02d:%02d", minute / 60, minute % 60);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

JsonNode *
fw_alert_settings_to_json (const FwAlertSettings *settings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (settings != NULL, NULL);

  json_builder_begin_object (builder);
  add_number (builder, "critical_low", settings->limits.critical_low);
  add_number (builder, "warning_low", settings->limits.warning_low);
  add_number (builder, "warning_high", settings->limits.warning_high);
  add_number (builder, "critical_high", settings->limits.critical_high);
  add_number (builder, "hysteresis", settings->hysteresis);
  add_int (builder, "min_duration_s", settings->min_duration);
  add_int (builder, "silent_after_intervals", settings->silent_after);
  add_int (builder, "stuck_after_s", settings->stuck_after);
  add_number (builder, "falling_per_hour", settings->falling_per_hour);
  add_int (builder, "falling_window_s", settings->falling_window);
  add_number (builder, "dawn_limit", settings->dawn_limit);
  add_minute (builder, "dusk", settings->dusk_minute);
  add_minute (builder, "dawn", settings->dawn_minute);
  add_int (builder, "remind_every_s", settings->remind_every);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* A member that is absent keeps the default; null clears a limit. */
static gboolean
read_number (JsonObject  *object,
             const char  *name,
             gboolean     nullable,
             double      *value,
             char       **field,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  if (node == NULL)
    return TRUE;

  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (!nullable)
        return invalid (field, name, error, _("must be a number"));
      *value = NAN;
      return TRUE;
    }

  type = json_node_get_value_type (node);
  if (!JSON_NODE_HOLDS_VALUE (node) || (type != G_TYPE_DOUBLE && type != G_TYPE_INT64))
    return invalid (field, name, error, _("must be a number"));

  *value = json_node_get_double (node);
  if (!isfinite (*value))
    return invalid (field, name, error, _("must be a number"));
  return TRUE;
}

static gboolean
read_whole (JsonObject  *object,
            const char  *name,
            gint64      *value,
            char       **field,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (field, name, error, _("must be a whole number"));

  *value = json_node_get_int (node);
  if (*value < 0 || *value > G_MAXINT32)
    return invalid (field, name, error, _("is out of range"));
  return TRUE;
}

static gboolean
read_minute (JsonObject  *object,
             const char  *name,
             int         *minute,
             char       **field,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *text;
  guint hours, minutes;
  char end;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (field, name, error, _("must be a time such as 06:00"));

  text = json_node_get_string (node);
  if (sscanf (text, "%2u:%2u%c", &hours, &minutes, &end) != 2 || hours > 23 || minutes > 59)
    return invalid (field, name, error, _("must be a time such as 06:00"));

  *minute = (int) (hours * 60 + minutes);
  return TRUE;
}

/**
 * fw_alert_settings_from_json:
 * @settings: (inout): the defaults on the way in; what @node sets on the
 *   way out
 *
 * Reads a rule's settings. Nothing is changed when they are not valid.
 */
gboolean
fw_alert_settings_from_json (JsonNode         *node,
                             FwParameter       parameter,
                             FwAlertSettings  *settings,
                             char            **field,
                             GError          **error)
{
  FwAlertSettings read;
  JsonObject *object;
  gint64 min_duration, silent_after, stuck_after, falling_window, remind_every;

  g_return_val_if_fail (settings != NULL, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (field, "settings", error, _("must be an object"));

  object = json_node_get_object (node);
  read = *settings;
  min_duration = read.min_duration;
  silent_after = read.silent_after;
  stuck_after = read.stuck_after;
  falling_window = read.falling_window;
  remind_every = read.remind_every;

  if (!read_number (object, "critical_low", TRUE, &read.limits.critical_low, field, error) ||
      !read_number (object, "warning_low", TRUE, &read.limits.warning_low, field, error) ||
      !read_number (object, "warning_high", TRUE, &read.limits.warning_high, field, error) ||
      !read_number (object, "critical_high", TRUE, &read.limits.critical_high, field, error) ||
      !read_number (object, "hysteresis", FALSE, &read.hysteresis, field, error) ||
      !read_whole (object, "min_duration_s", &min_duration, field, error) ||
      !read_whole (object, "silent_after_intervals", &silent_after, field, error) ||
      !read_whole (object, "stuck_after_s", &stuck_after, field, error) ||
      !read_number (object, "falling_per_hour", FALSE, &read.falling_per_hour, field, error) ||
      !read_whole (object, "falling_window_s", &falling_window, field, error) ||
      !read_number (object, "dawn_limit", TRUE, &read.dawn_limit, field, error) ||
      !read_minute (object, "dusk", &read.dusk_minute, field, error) ||
      !read_minute (object, "dawn", &read.dawn_minute, field, error) ||
      !read_whole (object, "remind_every_s", &remind_every, field, error))
    return FALSE;

  read.min_duration = min_duration;
  read.silent_after = (guint) MIN (silent_after, G_MAXUINT);
  read.stuck_after = stuck_after;
  read.falling_window = falling_window;
  read.remind_every = remind_every;

  if (!fw_alert_settings_validate (&read, parameter, field, error))
    return FALSE;

  *settings = read;
  return TRUE;
}
