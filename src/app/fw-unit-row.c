/* fw-unit-row.c — a unit in the sidebar: status dot, name, key reading
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fw-app-util.h"
#include "fw-unit-row.h"

struct _FwUnitRow
{
  GtkListBoxRow  parent_instance;

  FwUnit        *unit;

  GtkWidget     *status_dot;
  GtkLabel      *name_label;
  GtkLabel      *subtitle_label;
  GtkLabel      *key_value_label;
  GtkLabel      *key_name_label;
};

G_DEFINE_FINAL_TYPE (FwUnitRow, fw_unit_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_UNIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (FwUnitRow *self)
{
  FwParameter key = fw_unit_get_key_parameter (self->unit);
  FwStatus status = fw_unit_get_status (self->unit);
  g_autofree char *subtitle = NULL;
  g_autofree char *value = NULL;
  g_autofree char *label = NULL;

  gtk_label_set_label (self->name_label, fw_unit_get_name (self->unit));

  /* TRANSLATORS: unit kind and species in the sidebar, e.g. "Pond · Channel catfish" */
  subtitle = g_strdup_printf (_("%s · %s"),
                              fw_unit_kind_get_label (fw_unit_get_kind (self->unit)),
                              fw_species_get_label (fw_unit_get_species (self->unit)));
  gtk_label_set_label (self->subtitle_label, subtitle);

  value = fw_format_value_with_unit (key, fw_unit_get_key_value (self->unit));
  gtk_label_set_label (self->key_value_label, value);
  gtk_label_set_label (self->key_name_label, fw_parameter_get_short_label (key));

  fw_widget_set_status_class (self->status_dot, status);
  gtk_widget_set_tooltip_text (self->status_dot, fw_status_get_label (status));

  /* TRANSLATORS: what a screen reader says for a unit in the sidebar:
   * name, status, key parameter and its value */
  label = g_strdup_printf (_("%s, %s, %s %s"),
                           fw_unit_get_name (self->unit), fw_status_get_label (status),
                           fw_parameter_get_label (key), value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
fw_unit_row_constructed (GObject *object)
{
  FwUnitRow *self = FW_UNIT_ROW (object);

  G_OBJECT_CLASS (fw_unit_row_parent_class)->constructed (object);

  g_signal_connect_object (self->unit, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
fw_unit_row_dispose (GObject *object)
{
  FwUnitRow *self = FW_UNIT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_UNIT_ROW);
  g_clear_object (&self->unit);

  G_OBJECT_CLASS (fw_unit_row_parent_class)->dispose (object);
}

static void
fw_unit_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FwUnitRow *self = FW_UNIT_ROW (object);

  switch (prop_id)
    {
    case PROP_UNIT:
      g_value_set_object (value, self->unit);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_unit_row_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FwUnitRow *self = FW_UNIT_ROW (object);

  switch (prop_id)
    {
    case PROP_UNIT:
      self->unit = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_unit_row_class_init (FwUnitRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fw_unit_row_constructed;
  object_class->dispose = fw_unit_row_dispose;
  object_class->get_property = fw_unit_row_get_property;
  object_class->set_property = fw_unit_row_set_property;

  properties[PROP_UNIT] =
    g_param_spec_object ("unit", NULL, NULL,
                         FW_TYPE_UNIT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-unit-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FwUnitRow, status_dot);
  gtk_widget_class_bind_template_child (widget_class, FwUnitRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, FwUnitRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, FwUnitRow, key_value_label);
  gtk_widget_class_bind_template_child (widget_class, FwUnitRow, key_name_label);
}

static void
fw_unit_row_init (FwUnitRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fw_unit_row_new (FwUnit *unit)
{
  g_return_val_if_fail (FW_IS_UNIT (unit), NULL);

  return g_object_new (FW_TYPE_UNIT_ROW, "unit", unit, NULL);
}

FwUnit *
fw_unit_row_get_unit (FwUnitRow *self)
{
  g_return_val_if_fail (FW_IS_UNIT_ROW (self), NULL);

  return self->unit;
}
