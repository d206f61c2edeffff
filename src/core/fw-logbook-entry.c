/* fw-logbook-entry.c — something a pond worker recorded about a unit
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The kind says what the payload holds (a feeding's kilograms, a
 * mortality's count and cause, a water sample's values, …). The payload is
 * kept as the JSON object it travels as, so that an entry written by a
 * newer version survives a trip through an older one untouched.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fw-logbook-entry.h"

struct _FwLogbookEntry
{
  FwRecord  parent_instance;

  char     *unit_uuid;
  char     *kind;
  FwTime    occurred_at;
  char     *author_uuid;
  char     *payload;
};

G_DEFINE_FINAL_TYPE (FwLogbookEntry, fw_logbook_entry, FW_TYPE_RECORD)

enum {
  PROP_0,
  PROP_UNIT_UUID,
  PROP_KIND,
  PROP_OCCURRED_AT,
  PROP_AUTHOR_UUID,
  PROP_PAYLOAD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The same list as the CHECK constraint of the cache's logbook table. */
static const struct {
  const char *kind;
  const char *label;
} kinds[] = {
  { "feeding", N_("Feeding") },
  { "mortality", N_("Mortality") },
  { "water_sample", N_("Water sample") },
  { "observation", N_("Observation") },
  { "treatment", N_("Treatment") },
  { "stocking", N_("Stocking") },
  { "weight_sample", N_("Weight sample") },
  { "harvest", N_("Harvest") },
  { "transfer", N_("Transfer") },
};

gboolean
fw_logbook_kind_is_valid (const char *kind)
{
  return fw_logbook_kind_get_label (kind) != NULL;
}

/**
 * fw_logbook_kind_get_label:
 *
 * Returns: (nullable): the kind for people, translated ("Water sample" for
 *   "water_sample"), or %NULL for a kind this version does not know
 */
const char *
fw_logbook_kind_get_label (const char *kind)
{
  if (kind == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_str_equal (kinds[i].kind, kind))
        return _(kinds[i].label);
    }

  return NULL;
}

static void
fw_logbook_entry_finalize (GObject *object)
{
  FwLogbookEntry *self = FW_LOGBOOK_ENTRY (object);

  g_clear_pointer (&self->unit_uuid, g_free);
  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->author_uuid, g_free);
  g_clear_pointer (&self->payload, g_free);

  G_OBJECT_CLASS (fw_logbook_entry_parent_class)->finalize (object);
}

static void
fw_logbook_entry_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FwLogbookEntry *self = FW_LOGBOOK_ENTRY (object);

  switch (prop_id)
    {
    case PROP_UNIT_UUID:
      g_value_set_string (value, self->unit_uuid);
      break;

    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;

    case PROP_OCCURRED_AT:
      g_value_set_int64 (value, self->occurred_at);
      break;

    case PROP_AUTHOR_UUID:
      g_value_set_string (value, self->author_uuid);
      break;

    case PROP_PAYLOAD:
      g_value_set_string (value, self->payload);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_logbook_entry_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FwLogbookEntry *self = FW_LOGBOOK_ENTRY (object);

  switch (prop_id)
    {
    case PROP_UNIT_UUID:
      self->unit_uuid = g_value_dup_string (value);
      break;

    case PROP_KIND:
      self->kind = g_value_dup_string (value);
      break;

    case PROP_OCCURRED_AT:
      self->occurred_at = g_value_get_int64 (value);
      break;

    case PROP_AUTHOR_UUID:
      self->author_uuid = g_value_dup_string (value);
      break;

    case PROP_PAYLOAD:
      self->payload = g_strdup (g_value_get_string (value) ?: "{}");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_logbook_entry_class_init (FwLogbookEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fw_logbook_entry_finalize;
  object_class->get_property = fw_logbook_entry_get_property;
  object_class->set_property = fw_logbook_entry_set_property;

  properties[PROP_UNIT_UUID] = g_param_spec_string ("unit-uuid", NULL, NULL, NULL, flags);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  properties[PROP_OCCURRED_AT] = g_param_spec_int64 ("occurred-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_AUTHOR_UUID] = g_param_spec_string ("author-uuid", NULL, NULL, NULL, flags);
  properties[PROP_PAYLOAD] = g_param_spec_string ("payload", NULL, NULL, "{}", flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fw_logbook_entry_init (FwLogbookEntry *self)
{
}

const char *
fw_logbook_entry_get_unit_uuid (FwLogbookEntry *self)
{
  g_return_val_if_fail (FW_IS_LOGBOOK_ENTRY (self), NULL);

  return self->unit_uuid;
}

const char *
fw_logbook_entry_get_kind (FwLogbookEntry *self)
{
  g_return_val_if_fail (FW_IS_LOGBOOK_ENTRY (self), NULL);

  return self->kind;
}

FwTime
fw_logbook_entry_get_occurred_at (FwLogbookEntry *self)
{
  g_return_val_if_fail (FW_IS_LOGBOOK_ENTRY (self), 0);

  return self->occurred_at;
}

/**
 * fw_logbook_entry_get_author_uuid:
 *
 * Returns: (nullable): who recorded it, as the server knows them
 */
const char *
fw_logbook_entry_get_author_uuid (FwLogbookEntry *self)
{
  g_return_val_if_fail (FW_IS_LOGBOOK_ENTRY (self), NULL);

  return self->author_uuid;
}

/**
 * fw_logbook_entry_get_payload:
 *
 * Returns: the kind's own fields, as a JSON object
 */
const char *
fw_logbook_entry_get_payload (FwLogbookEntry *self)
{
  g_return_val_if_fail (FW_IS_LOGBOOK_ENTRY (self), NULL);

  return self->payload;
}
