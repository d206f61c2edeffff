/* fw-alert-watch.h — one sensor's alert evaluator
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-alert-settings.h"

G_BEGIN_DECLS

typedef enum
{
  FW_ALERT_EVENT_FIRE,       /* a new alert */
  FW_ALERT_EVENT_ESCALATE,   /* the open alert became critical */
  FW_ALERT_EVENT_RESOLVE,    /* the open alert is over */
} FwAlertEventKind;

typedef struct
{
  FwAlertEventKind kind;
  FwAlertCondition condition;
  FwSeverity       severity;
  FwTime           time;
  double           value;    /* the reading or projection; NAN for silence */
  double           limit;    /* the level crossed; NAN where none applies */
} FwAlertEvent;

/* A span of time in which warnings stay quiet. */
typedef struct
{
  FwTime from;
  FwTime to;
} FwMaintenance;

typedef struct _FwAlertWatch FwAlertWatch;

FwAlertWatch *fw_alert_watch_new             (FwParameter            parameter,
                                              guint                  interval,
                                              const FwAlertSettings *settings,
                                              GTimeZone             *zone);
void          fw_alert_watch_free            (FwAlertWatch          *self);
void          fw_alert_watch_set_settings    (FwAlertWatch          *self,
                                              const FwAlertSettings *settings);
const FwAlertSettings *
              fw_alert_watch_get_settings    (FwAlertWatch          *self);
void          fw_alert_watch_set_maintenance (FwAlertWatch          *self,
                                              const FwMaintenance   *windows,
                                              guint                  n_windows);
void          fw_alert_watch_restore         (FwAlertWatch          *self,
                                              FwAlertCondition       condition,
                                              FwSeverity             severity);
FwSeverity    fw_alert_watch_get_severity    (FwAlertWatch          *self,
                                              FwAlertCondition       condition);
FwTime        fw_alert_watch_get_last_time   (FwAlertWatch          *self);
gboolean      fw_alert_watch_add             (FwAlertWatch          *self,
                                              FwTime                 time,
                                              double                 value,
                                              GArray                *events);
void          fw_alert_watch_tick            (FwAlertWatch          *self,
                                              FwTime                 now,
                                              GArray                *events);

FwSeverity    fw_alert_check_sample          (const FwAlertSettings *settings,
                                              double                 value,
                                              FwAlertCondition      *condition,
                                              double                *limit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwAlertWatch, fw_alert_watch_free)

G_END_DECLS
