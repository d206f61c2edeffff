/* fw-alert.h — one excursion of one sensor, from firing to resolved
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-alert-watch.h"
#include "fw-logbook-entry.h"
#include "fw-record.h"

G_BEGIN_DECLS

typedef enum
{
  FW_ALERT_STATE_FIRING,
  FW_ALERT_STATE_ACKNOWLEDGED,
  FW_ALERT_STATE_RESOLVED,
} FwAlertState;

#define FW_N_ALERT_STATES (FW_ALERT_STATE_RESOLVED + 1)

/* What an alert says. Strings are owned by the alert; times are 0 where
 * the thing has not happened; value and limit are NAN where none applies. */
typedef struct
{
  char             *unit_uuid;
  char             *sensor_uuid;       /* NULL for a manual sample */
  FwParameter       parameter;
  FwAlertCondition  condition;
  FwSeverity        severity;
  FwAlertState      state;
  double            value;
  double            limit;
  FwTime            started_at;
  FwTime            resolved_at;
  FwTime            acknowledged_at;
  char             *acknowledged_by;   /* a person's name, as they signed in */
  char             *acknowledge_note;
  gboolean          raised_offline;
} FwAlertFields;

#define FW_TYPE_ALERT (fw_alert_get_type ())

G_DECLARE_FINAL_TYPE (FwAlert, fw_alert, FW, ALERT, FwRecord)

const char          *fw_alert_state_to_string   (FwAlertState         state);
gboolean             fw_alert_state_from_string (const char          *text,
                                                 FwAlertState        *state);
const char          *fw_alert_state_get_label   (FwAlertState         state);

FwAlert             *fw_alert_new               (const char          *uuid,
                                                 const FwAlertFields *fields);
FwAlert             *fw_alert_new_from         (FwAlert             *blank,
                                                 const FwAlertFields *fields);
FwAlert             *fw_alert_new_for_event     (const char          *unit_uuid,
                                                 const char          *sensor_uuid,
                                                 FwParameter          parameter,
                                                 const FwAlertEvent  *event,
                                                 gboolean             offline);
const FwAlertFields *fw_alert_get_fields        (FwAlert             *self);
const char          *fw_alert_get_unit_uuid     (FwAlert             *self);
FwSeverity           fw_alert_get_severity      (FwAlert             *self);
FwAlertState         fw_alert_get_state         (FwAlert             *self);
gboolean             fw_alert_is_open           (FwAlert             *self);

FwAlert             *fw_alert_apply_event       (FwAlert             *self,
                                                 const FwAlertEvent  *event);
FwAlert             *fw_alert_acknowledge       (FwAlert             *self,
                                                 const char          *by,
                                                 const char          *note,
                                                 FwTime               at);
FwAlert             *fw_alert_merge             (FwAlert             *current,
                                                 FwAlert             *incoming);

void                 fw_alert_apply_events      (FwAlert            **open,
                                                 const char          *unit_uuid,
                                                 const char          *sensor_uuid,
                                                 FwParameter          parameter,
                                                 GArray              *events,
                                                 gboolean             offline,
                                                 GPtrArray           *changed);

GPtrArray           *fw_alert_check_water_sample (FwLogbookEntry     *entry,
                                                  GPtrArray          *rules,
                                                  const char         *species,
                                                  GPtrArray          *alerts,
                                                  gboolean            offline);

char                *fw_alert_describe          (FwAlert             *self);
FwTime               fw_alert_next_reminder     (FwAlert             *self,
                                                 FwTime               last_reminded,
                                                 FwTime               remind_every);

G_END_DECLS
