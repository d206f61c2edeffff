/* fw-unit.c — a pond, tank, cage or raceway: one body of water and its fish
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Besides what the unit is, a unit loaded from the cache carries a summary
 * of its sensors: the worst status and its key reading (dissolved oxygen
 * where it has a probe), which is what the sidebar shows.
 */

#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "fw-enums.h"
#include "fw-names.h"
#include "fw-unit.h"

struct _FwUnit
{
  FwRecord     parent_instance;

  char        *name;
  char        *site_uuid;
  char        *site_name;
  FwUnitKind   kind;
  double       area;
  double       volume;
  char        *species;

  FwStatus     status;
  FwParameter  key_parameter;
  FwTime       key_time;
  double       key_value;
};

G_DEFINE_FINAL_TYPE (FwUnit, fw_unit, FW_TYPE_RECORD)

enum {
  PROP_0,
  PROP_NAME,
  PROP_SITE_UUID,
  PROP_SITE_NAME,
  PROP_KIND,
  PROP_AREA,
  PROP_VOLUME,
  PROP_SPECIES,
  PROP_STATUS,
  PROP_KEY_PARAMETER,
  PROP_KEY_TIME,
  PROP_KEY_VALUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const kind_ids[] = { "pond", "tank", "cage", "raceway" };

static const struct {
  const char *id;
  const char *label;
} species_labels[] = {
  { "channel_catfish", N_("Channel catfish") },
  { "nile_tilapia", N_("Nile tilapia") },
  { "rainbow_trout", N_("Rainbow trout") },
  { "atlantic_salmon", N_("Atlantic salmon") },
  { "whiteleg_shrimp", N_("Whiteleg shrimp") },
  { "common_carp", N_("Common carp") },
};

const char *
fw_unit_kind_to_id (FwUnitKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_ids), NULL);

  return kind_ids[kind];
}

gboolean
fw_unit_kind_from_id (const char *id,
                      FwUnitKind *kind)
{
  g_return_val_if_fail (id != NULL, FALSE);

  return fw_names_lookup (kind_ids, G_N_ELEMENTS (kind_ids), id, (guint *) kind);
}

const char *
fw_unit_kind_get_label (FwUnitKind kind)
{
  switch (kind)
    {
    case FW_UNIT_KIND_POND:
      return _("Pond");
    case FW_UNIT_KIND_TANK:
      return _("Tank");
    case FW_UNIT_KIND_CAGE:
      return _("Cage");
    case FW_UNIT_KIND_RACEWAY:
      return _("Raceway");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * fw_species_get_label:
 * @species: a species id such as "nile_tilapia"
 *
 * Returns: the translated common name, or @species itself when it is not in
 *   the catalogue (a farm may raise what we have not heard of)
 */
const char *
fw_species_get_label (const char *species)
{
  g_return_val_if_fail (species != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (species_labels); i++)
    {
      if (g_str_equal (species_labels[i].id, species))
        return _(species_labels[i].label);
    }

  return species;
}

static void
fw_unit_finalize (GObject *object)
{
  FwUnit *self = FW_UNIT (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->site_uuid, g_free);
  g_clear_pointer (&self->site_name, g_free);
  g_clear_pointer (&self->species, g_free);

  G_OBJECT_CLASS (fw_unit_parent_class)->finalize (object);
}

static void
fw_unit_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  FwUnit *self = FW_UNIT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_SITE_UUID:
      g_value_set_string (value, self->site_uuid);
      break;

    case PROP_SITE_NAME:
      g_value_set_string (value, self->site_name);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_AREA:
      g_value_set_double (value, self->area);
      break;

    case PROP_VOLUME:
      g_value_set_double (value, self->volume);
      break;

    case PROP_SPECIES:
      g_value_set_string (value, self->species);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_KEY_PARAMETER:
      g_value_set_enum (value, self->key_parameter);
      break;

    case PROP_KEY_TIME:
      g_value_set_int64 (value, self->key_time);
      break;

    case PROP_KEY_VALUE:
      g_value_set_double (value, self->key_value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_unit_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  FwUnit *self = FW_UNIT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_SITE_UUID:
      self->site_uuid = g_value_dup_string (value);
      break;

    case PROP_SITE_NAME:
      self->site_name = g_value_dup_string (value);
      break;

    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;

    case PROP_AREA:
      self->area = g_value_get_double (value);
      break;

    case PROP_VOLUME:
      self->volume = g_value_get_double (value);
      break;

    case PROP_SPECIES:
      self->species = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_unit_class_init (FwUnitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct_flags =
    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags summary_flags =
    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fw_unit_finalize;
  object_class->get_property = fw_unit_get_property;
  object_class->set_property = fw_unit_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, construct_flags);

  properties[PROP_SITE_UUID] =
    g_param_spec_string ("site-uuid", NULL, NULL, NULL, construct_flags);

  properties[PROP_SITE_NAME] =
    g_param_spec_string ("site-name", NULL, NULL, NULL, construct_flags);

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       FW_TYPE_UNIT_KIND, FW_UNIT_KIND_POND, construct_flags);

  /* Surface in m² and volume in m³; 0 where nobody measured them. */
  properties[PROP_AREA] =
    g_param_spec_double ("area", NULL, NULL, 0, G_MAXDOUBLE, 0, construct_flags);

  properties[PROP_VOLUME] =
    g_param_spec_double ("volume", NULL, NULL, 0, G_MAXDOUBLE, 0, construct_flags);

  properties[PROP_SPECIES] =
    g_param_spec_string ("species", NULL, NULL, NULL, construct_flags);

  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       FW_TYPE_STATUS, FW_STATUS_NO_DATA, summary_flags);

  properties[PROP_KEY_PARAMETER] =
    g_param_spec_enum ("key-parameter", NULL, NULL,
                       FW_TYPE_PARAMETER, FW_PARAMETER_DISSOLVED_OXYGEN, summary_flags);

  properties[PROP_KEY_TIME] =
    g_param_spec_int64 ("key-time", NULL, NULL, 0, G_MAXINT64, 0, summary_flags);

  properties[PROP_KEY_VALUE] =
    g_param_spec_double ("key-value", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0, summary_flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fw_unit_init (FwUnit *self)
{
  self->status = FW_STATUS_NO_DATA;
  self->key_parameter = FW_PARAMETER_DISSOLVED_OXYGEN;
  self->key_value = NAN;
}

const char *
fw_unit_get_name (FwUnit *self)
{
  g_return_val_if_fail (FW_IS_UNIT (self), NULL);

  return self->name;
}

const char *
fw_unit_get_site_uuid (FwUnit *self)
{
  g_return_val_if_fail (FW_IS_UNIT (self), NULL);

  return self->site_uuid;
}

const char *
fw_unit_get_site_name (FwUnit *self)
{
  g_return_val_if_fail (FW_IS_UNIT (self), NULL);

  return self->site_name;
}

FwUnitKind
fw_unit_get_kind (FwUnit *self)
{
  g_return_val_if_fail (FW_IS_UNIT (self), FW_UNIT_KIND_POND);

  return self->kind;
}

double
fw_unit_get_area (FwUnit *self)
{
  g_return_val_if_fail (FW_IS_UNIT (self), 0);

  return self->area;
}

double
fw_unit_get_volume (FwUnit *self)
{
  g_return_val_if_fail (FW_IS_UNIT (self), 0);

  return self->volume;
}

const char *
fw_unit_get_species (FwUnit *self)
{
  g_return_val_if_fail (FW_IS_UNIT (self), NULL);

  return self->species;
}

FwStatus
fw_unit_get_status (FwUnit *self)
{
  g_return_val_if_fail (FW_IS_UNIT (self), FW_STATUS_NO_DATA);

  return self->status;
}

FwParameter
fw_unit_get_key_parameter (FwUnit *self)
{
  g_return_val_if_fail (FW_IS_UNIT (self), FW_PARAMETER_DISSOLVED_OXYGEN);

  return self->key_parameter;
}

/**
 * fw_unit_get_key_time:
 *
 * Returns: when the key reading was taken, or 0 when there is none
 */
FwTime
fw_unit_get_key_time (FwUnit *self)
{
  g_return_val_if_fail (FW_IS_UNIT (self), 0);

  return self->key_time;
}

/**
 * fw_unit_get_key_value:
 *
 * Returns: the latest value of the key parameter, or NAN when there is none
 */
double
fw_unit_get_key_value (FwUnit *self)
{
  g_return_val_if_fail (FW_IS_UNIT (self), NAN);

  return self->key_value;
}

void
fw_unit_set_summary (FwUnit      *self,
                     FwStatus     status,
                     FwParameter  key_parameter,
                     FwTime       key_time,
                     double       key_value)
{
  g_return_if_fail (FW_IS_UNIT (self));

  g_object_freeze_notify (G_OBJECT (self));

  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }

  if (self->key_parameter != key_parameter)
    {
      self->key_parameter = key_parameter;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY_PARAMETER]);
    }

  if (self->key_time != key_time)
    {
      self->key_time = key_time;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY_TIME]);
    }

  /* NAN never equals itself: compare the bits that matter. */
  if (!(self->key_value == key_value || (isnan (self->key_value) && isnan (key_value))))
    {
      self->key_value = key_value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY_VALUE]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}
