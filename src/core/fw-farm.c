/* fw-farm.c — a farm: the unit of ownership and access
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fw-farm.h"

struct _FwFarm
{
  FwRecord  parent_instance;

  char     *name;
  char     *timezone;
};

G_DEFINE_FINAL_TYPE (FwFarm, fw_farm, FW_TYPE_RECORD)

enum {
  PROP_0,
  PROP_NAME,
  PROP_TIMEZONE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fw_farm_finalize (GObject *object)
{
  FwFarm *self = FW_FARM (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->timezone, g_free);

  G_OBJECT_CLASS (fw_farm_parent_class)->finalize (object);
}

static void
fw_farm_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  FwFarm *self = FW_FARM (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_TIMEZONE:
      g_value_set_string (value, self->timezone);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_farm_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  FwFarm *self = FW_FARM (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_TIMEZONE:
      /* An empty zone would make every local time ambiguous. */
      self->timezone = g_strdup (g_value_get_string (value) ?: "UTC");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_farm_class_init (FwFarmClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fw_farm_finalize;
  object_class->get_property = fw_farm_get_property;
  object_class->set_property = fw_farm_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TIMEZONE] =
    g_param_spec_string ("timezone", NULL, NULL,
                         "UTC",
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fw_farm_init (FwFarm *self)
{
}

FwFarm *
fw_farm_new (const char *name,
             const char *timezone)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (FW_TYPE_FARM,
                       "name", name,
                       "timezone", timezone,
                       NULL);
}

const char *
fw_farm_get_name (FwFarm *self)
{
  g_return_val_if_fail (FW_IS_FARM (self), NULL);

  return self->name;
}

/**
 * fw_farm_get_timezone:
 *
 * Returns: the farm's IANA time zone, in which its days and charts are read
 */
const char *
fw_farm_get_timezone (FwFarm *self)
{
  g_return_val_if_fail (FW_IS_FARM (self), NULL);

  return self->timezone;
}
