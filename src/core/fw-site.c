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

  gint64    farm_id;
  char     *name;
};

G_DEFINE_FINAL_TYPE (FwSite, fw_site, FW_TYPE_RECORD)

enum {
  PROP_0,
  PROP_FARM_ID,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fw_site_finalize (GObject *object)
{
  FwSite *self = FW_SITE (object);

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
    case PROP_FARM_ID:
      g_value_set_int64 (value, self->farm_id);
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
    case PROP_FARM_ID:
      self->farm_id = g_value_get_int64 (value);
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

  properties[PROP_FARM_ID] =
    g_param_spec_int64 ("farm-id", NULL, NULL,
                        0, G_MAXINT64, 0,
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
fw_site_new (gint64      farm_id,
             const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (FW_TYPE_SITE,
                       "farm-id", farm_id,
                       "name", name,
                       NULL);
}

gint64
fw_site_get_farm_id (FwSite *self)
{
  g_return_val_if_fail (FW_IS_SITE (self), 0);

  return self->farm_id;
}

const char *
fw_site_get_name (FwSite *self)
{
  g_return_val_if_fail (FW_IS_SITE (self), NULL);

  return self->name;
}
