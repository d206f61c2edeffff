/* fw-site.c — a place on a farm that groups units: a pond block, a hatchery
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fw-site.h"

struct _FwSite
{
  FwRecord  parent_instance;

  char     *farm_uuid;
  char     *name;
};

G_DEFINE_FINAL_TYPE (FwSite, fw_site, FW_TYPE_RECORD)

enum {
  PROP_0,
  PROP_FARM_UUID,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fw_site_finalize (GObject *object)
{
  FwSite *self = FW_SITE (object);

  g_clear_pointer (&self->farm_uuid, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (fw_site_parent_class)->finalize (object);
}

static void
fw_site_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  FwSite *self = FW_SITE (object);

  switch (prop_id)
    {
    case PROP_FARM_UUID:
      g_value_set_string (value, self->farm_uuid);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_site_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  FwSite *self = FW_SITE (object);

  switch (prop_id)
    {
    case PROP_FARM_UUID:
      self->farm_uuid = g_value_dup_string (value);
      break;

    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_site_class_init (FwSiteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fw_site_finalize;
  object_class->get_property = fw_site_get_property;
  object_class->set_property = fw_site_set_property;

  properties[PROP_FARM_UUID] =
    g_param_spec_string ("farm-uuid", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fw_site_init (FwSite *self)
{
}

FwSite *
fw_site_new (const char *farm_uuid,
             const char *name)
{
  g_return_val_if_fail (farm_uuid != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (FW_TYPE_SITE,
                       "farm-uuid", farm_uuid,
                       "name", name,
                       NULL);
}

const char *
fw_site_get_farm_uuid (FwSite *self)
{
  g_return_val_if_fail (FW_IS_SITE (self), NULL);

  return self->farm_uuid;
}

const char *
fw_site_get_name (FwSite *self)
{
  g_return_val_if_fail (FW_IS_SITE (self), NULL);

  return self->name;
}
