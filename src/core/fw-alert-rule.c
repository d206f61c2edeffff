/* fw-alert-rule.c — a farm's or a unit's own alert settings, and its
 * maintenance windows
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Managers edit rules; they sync like any other record. A sensor's
 * settings are found in order: a rule for its unit, else one for the
 * whole farm, else the defaults for the unit's species
 * (fw_alert_settings_get_default()). A maintenance window is a rule too,
 * so that it reaches every machine by the same road.
 */

#include "config.h"

#include "fw-alert-rule.h"
#include "fw-names.h"

struct _FwAlertRule
{
  FwRecord           parent_instance;

  FwAlertRuleFields  fields;
};

G_DEFINE_FINAL_TYPE (FwAlertRule, fw_alert_rule, FW_TYPE_RECORD)

static const char *const kind_ids[] = { "limits", "maintenance" };

const char *
fw_alert_rule_kind_to_string (FwAlertRuleKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_ids), NULL);

  return kind_ids[kind];
}

gboolean
fw_alert_rule_kind_from_string (const char      *text,
                                FwAlertRuleKind *kind)
{
  return fw_names_lookup (kind_ids, G_N_ELEMENTS (kind_ids), text, (guint *) kind);
}

static void
fw_alert_rule_finalize (GObject *object)
{
  FwAlertRule *self = FW_ALERT_RULE (object);

  g_free (self->fields.farm_uuid);
  g_free (self->fields.unit_uuid);
  g_free (self->fields.note);

  G_OBJECT_CLASS (fw_alert_rule_parent_class)->finalize (object);
}

static void
fw_alert_rule_class_init (FwAlertRuleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fw_alert_rule_finalize;
}

static void
fw_alert_rule_init (FwAlertRule *self)
{
}

static void
set_fields (FwAlertRule             *self,
            const FwAlertRuleFields *fields)
{
  self->fields = *fields;
  self->fields.farm_uuid = g_strdup (fields->farm_uuid);
  self->fields.unit_uuid = g_strdup (fields->unit_uuid);
  self->fields.note = g_strdup (fields->note);
}

/**
 * fw_alert_rule_new:
 * @uuid: (nullable): the rule's id; %NULL for a new one
 * @fields: what it says, copied
 *
 * Returns: (transfer full): a new rule record
 */
FwAlertRule *
fw_alert_rule_new (const char              *uuid,
                   const FwAlertRuleFields *fields)
{
  FwAlertRule *self;

  g_return_val_if_fail (fields != NULL, NULL);
  g_return_val_if_fail (fields->farm_uuid != NULL, NULL);

  self = g_object_new (FW_TYPE_ALERT_RULE, "uuid", uuid, NULL);
  set_fields (self, fields);
  return self;
}

/**
 * fw_alert_rule_new_from:
 * @blank: a rule made with g_object_new() and only its record
 *   bookkeeping (id, revision, times), as a decoder does
 *
 * Returns: (transfer full): @blank, saying @fields
 */
FwAlertRule *
fw_alert_rule_new_from (FwAlertRule             *blank,
                        const FwAlertRuleFields *fields)
{
  g_return_val_if_fail (FW_IS_ALERT_RULE (blank), NULL);
  g_return_val_if_fail (blank->fields.farm_uuid == NULL, NULL);
  g_return_val_if_fail (fields != NULL && fields->farm_uuid != NULL, NULL);

  set_fields (blank, fields);
  return g_object_ref (blank);
}

const FwAlertRuleFields *
fw_alert_rule_get_fields (FwAlertRule *self)
{
  g_return_val_if_fail (FW_IS_ALERT_RULE (self), NULL);

  return &self->fields;
}

/**
 * fw_alert_rules_resolve:
 * @rules: (element-type FwAlertRule): the farm's rules
 * @unit_uuid: the sensor's unit
 * @species: (nullable): what the unit holds
 * @settings: (out caller-allocates): the settings that apply
 *
 * Returns: %FALSE when a rule turns alerts for @parameter off in the unit
 */
gboolean
fw_alert_rules_resolve (GPtrArray       *rules,
                        const char      *unit_uuid,
                        const char      *species,
                        FwParameter      parameter,
                        FwAlertSettings *settings)
{
  FwAlertRule *farm_rule = NULL;
  FwAlertRule *unit_rule = NULL;
  FwAlertRule *rule;

  g_return_val_if_fail (settings != NULL, FALSE);

  fw_alert_settings_get_default (species, parameter, settings);

  for (guint i = 0; rules != NULL && i < rules->len; i++)
    {
      FwAlertRule *candidate = g_ptr_array_index (rules, i);
      const FwAlertRuleFields *f = &candidate->fields;

      if (fw_record_get_deleted (FW_RECORD (candidate)) ||
          f->kind != FW_ALERT_RULE_LIMITS || f->parameter != parameter)
        continue;

      if (f->unit_uuid == NULL)
        farm_rule = candidate;
      else if (unit_uuid != NULL && g_str_equal (f->unit_uuid, unit_uuid))
        unit_rule = candidate;
    }

  rule = unit_rule != NULL ? unit_rule : farm_rule;
  if (rule == NULL)
    return TRUE;

  *settings = rule->fields.settings;
  return rule->fields.enabled;
}

/**
 * fw_alert_rules_maintenance:
 *
 * Returns: (transfer full) (element-type FwMaintenance): the maintenance
 *   windows that cover @unit_uuid, the farm's own included
 */
GArray *
fw_alert_rules_maintenance (GPtrArray  *rules,
                            const char *unit_uuid)
{
  GArray *windows = g_array_new (FALSE, FALSE, sizeof (FwMaintenance));

  for (guint i = 0; rules != NULL && i < rules->len; i++)
    {
      FwAlertRule *rule = g_ptr_array_index (rules, i);
      const FwAlertRuleFields *f = &rule->fields;
      FwMaintenance window = { f->starts_at, f->ends_at };

      if (fw_record_get_deleted (FW_RECORD (rule)) || f->kind != FW_ALERT_RULE_MAINTENANCE ||
          !f->enabled)
        continue;

      if (f->unit_uuid == NULL || (unit_uuid != NULL && g_str_equal (f->unit_uuid, unit_uuid)))
        g_array_append_val (windows, window);
    }

  return windows;
}
