/* fw-page.c — a page of the window's content side
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every page beside the unit list shares: whether the window is
 * narrow and the page stands alone (the window binds "folded" to its
 * leaflet), and the way back to the list ("page.go-back", which a page's
 * back button activates and the window answers through ::go-back).
 */

#include "config.h"

#include "fw-page.h"

typedef struct
{
  gboolean folded;
} FwPagePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (FwPage, fw_page, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_FOLDED,
  N_PROPS
};

enum {
  GO_BACK,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

gboolean
fw_page_get_folded (FwPage *self)
{
  FwPagePrivate *priv = fw_page_get_instance_private (self);

  g_return_val_if_fail (FW_IS_PAGE (self), FALSE);

  return priv->folded;
}

void
fw_page_set_folded (FwPage   *self,
                    gboolean  folded)
{
  FwPagePrivate *priv = fw_page_get_instance_private (self);

  g_return_if_fail (FW_IS_PAGE (self));

  folded = !!folded;
  if (priv->folded == folded)
    return;

  priv->folded = folded;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDED]);
}

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  g_signal_emit (widget, signals[GO_BACK], 0);
}

static void
fw_page_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_FOLDED:
      g_value_set_boolean (value, fw_page_get_folded (FW_PAGE (object)));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_page_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_FOLDED:
      fw_page_set_folded (FW_PAGE (object), g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_page_class_init (FwPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = fw_page_get_property;
  object_class->set_property = fw_page_set_property;

  /* Whether the window is narrow and this page stands alone, with a back
   * button to the unit list. */
  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FwPage::go-back:
   *
   * The page asks to go back to the unit list.
   */
  signals[GO_BACK] =
    g_signal_new ("go-back",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "page.go-back", NULL, go_back_action);
}

static void
fw_page_init (FwPage *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
}
