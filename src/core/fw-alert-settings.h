/* fw-alert-settings.h — what an alert rule watches for, and the defaults
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fw-parameter.h"

G_BEGIN_DECLS

#define FW_ALERT_SETTINGS_ERROR (fw_alert_settings_error_quark ())

typedef enum
{
  FW_ALERT_SETTINGS_ERROR_INVALID,
} FwAlertSettingsError;

/* Ordered: the worst of several is the largest. */
typedef enum
{
  FW_SEVERITY_NONE,
  FW_SEVERITY_WARNING,
  FW_SEVERITY_CRITICAL,
} FwSeverity;

#define FW_N_SEVERITIES (FW_SEVERITY_CRITICAL + 1)

/* What went wrong; one sensor has at most one alert per condition. */
typedef enum
{
  FW_ALERT_CONDITION_LOW,
  FW_ALERT_CONDITION_HIGH,
  FW_ALERT_CONDITION_SILENT,
  FW_ALERT_CONDITION_STUCK,
  FW_ALERT_CONDITION_FALLING,
  FW_ALERT_CONDITION_DAWN,
} FwAlertCondition;

#define FW_N_ALERT_CONDITIONS (FW_ALERT_CONDITION_DAWN + 1)

/* One parameter's rule. Limits are NAN where there is none; durations are
 * seconds and 0 turns their check off. */
typedef struct
{
  FwLimits limits;
  double   hysteresis;       /* an alert ends this far back inside the limit */
  FwTime   min_duration;     /* a limit must be crossed this long to fire */
  guint    silent_after;     /* × the sensor's interval without a reading */
  FwTime   stuck_after;      /* the same value this long */
  double   falling_per_hour; /* a faster fall over falling_window fires */
  FwTime   falling_window;
  double   dawn_limit;       /* projected dawn value that fires; NAN: off */
  int      dusk_minute;      /* local minutes after midnight */
  int      dawn_minute;
  FwTime   remind_every;     /* for critical alerts; warnings 4× as long */
} FwAlertSettings;

GQuark      fw_alert_settings_error_quark (void);

const char *fw_severity_to_string       (FwSeverity        severity);
gboolean    fw_severity_from_string     (const char       *text,
                                         FwSeverity       *severity);
const char *fw_severity_get_label       (FwSeverity        severity);
FwStatus    fw_severity_to_status       (FwSeverity        severity);

const char *fw_alert_condition_to_string  (FwAlertCondition  condition);
gboolean    fw_alert_condition_from_string (const char      *text,
                                            FwAlertCondition *condition);
const char *fw_alert_condition_get_label  (FwAlertCondition  condition);

const char *const *fw_alert_species_list (void);
void        fw_alert_settings_get_default (const char       *species,
                                           FwParameter       parameter,
                                           FwAlertSettings  *settings);
const char *fw_alert_settings_get_source  (const char       *species);

gboolean    fw_alert_settings_validate  (const FwAlertSettings *settings,
                                         FwParameter       parameter,
                                         char            **field,
                                         GError          **error);
JsonNode   *fw_alert_settings_to_json   (const FwAlertSettings *settings);
gboolean    fw_alert_settings_from_json (JsonNode         *node,
                                         FwParameter       parameter,
                                         FwAlertSettings  *settings,
                                         char            **field,
                                         GError          **error);

gboolean    fw_alert_is_night           (const FwAlertSettings *settings,
                                         GTimeZone        *zone,
                                         FwTime            time,
                                         FwTime           *next_dawn);

G_END_DECLS
