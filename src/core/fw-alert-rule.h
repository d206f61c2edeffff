/* fw-alert-rule.h — a farm's or a unit's own alert settings, and its
 * maintenance windows
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-alert-watch.h"
#include "fw-record.h"

G_BEGIN_DECLS

typedef enum
{
  FW_ALERT_RULE_LIMITS,        /* settings for one parameter */
  FW_ALERT_RULE_MAINTENANCE,   /* warnings muted from starts_at to ends_at */
} FwAlertRuleKind;

typedef struct
{
  char            *farm_uuid;
  char            *unit_uuid;   /* NULL: the whole farm */
  FwAlertRuleKind  kind;
  FwParameter      parameter;   /* limits only */
  FwAlertSettings  settings;    /* limits only */
  gboolean         enabled;
  FwTime           starts_at;   /* maintenance only */
  FwTime           ends_at;
  char            *note;
} FwAlertRuleFields;

#define FW_TYPE_ALERT_RULE (fw_alert_rule_get_type ())

G_DECLARE_FINAL_TYPE (FwAlertRule, fw_alert_rule, FW, ALERT_RULE, FwRecord)

const char              *fw_alert_rule_kind_to_string   (FwAlertRuleKind          kind);
gboolean                 fw_alert_rule_kind_from_string (const char              *text,
                                                         FwAlertRuleKind         *kind);

FwAlertRule             *fw_alert_rule_new        (const char              *uuid,
                                                   const FwAlertRuleFields *fields);
FwAlertRule             *fw_alert_rule_new_from   (FwAlertRule             *blank,
                                                   const FwAlertRuleFields *fields);
const FwAlertRuleFields *fw_alert_rule_get_fields (FwAlertRule             *self);

gboolean                 fw_alert_rules_resolve   (GPtrArray               *rules,
                                                   const char              *unit_uuid,
                                                   const char              *species,
                                                   FwParameter              parameter,
                                                   FwAlertSettings         *settings);
GArray                  *fw_alert_rules_maintenance (GPtrArray             *rules,
                                                     const char            *unit_uuid);

G_END_DECLS
