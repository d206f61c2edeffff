/* fw-app-util.c
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fw-app-util.h"

/* The status becomes one CSS class on @widget ("ok", "warning", …), so that
 * the colours live in style.css and follow the theme. */
void
fw_widget_set_status_class (GtkWidget *widget,
                            FwStatus   status)
{
  static const FwStatus all[] = {
    FW_STATUS_OK, FW_STATUS_NO_DATA, FW_STATUS_SILENT, FW_STATUS_WARNING, FW_STATUS_CRITICAL,
  };

  g_return_if_fail (GTK_IS_WIDGET (widget));

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    gtk_widget_remove_css_class (widget, fw_status_to_string (all[i]));

  gtk_widget_add_css_class (widget, fw_status_to_string (status));
}

/**
 * fw_format_local_time:
 * @timezone: (nullable): the farm's zone; the user's when %NULL
 *
 * Returns: (transfer full): such as "27 November, 14:05 CST"
 */
char *
fw_format_local_time (FwTime     time,
                      GTimeZone *timezone)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("—");

  local = timezone != NULL ? g_date_time_to_timezone (utc, timezone) : g_date_time_to_local (utc);

  /* TRANSLATORS: a reading's date and time, see the strftime() manual; %Z
   * is the farm's time zone, which may not be the user's. */
  return g_date_time_format (local, _("%e %B, %H:%M %Z"));
}

FwTime
fw_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * fw_toast_overlay_add_text:
 * @text: a message to show as it is
 *
 * Shows @text in a toast. A toast's title is Pango markup in libadwaita
 * 1.2; messages name files, units and servers, whose "&" or "<" must be
 * shown, not read as markup.
 */
void
fw_toast_overlay_add_text (AdwToastOverlay *overlay,
                           const char      *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (overlay, adw_toast_new (escaped));
}

/**
 * fw_widget_add_toast:
 *
 * Shows @text in a toast of the overlay @widget lies in; there is always
 * one in the main window.
 */
void
fw_widget_add_toast (GtkWidget  *widget,
                     const char *text)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    fw_toast_overlay_add_text (ADW_TOAST_OVERLAY (overlay), text);
  else
    g_warning ("%s", text);
}

void
fw_box_remove_all (GtkBox *box)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_BOX (box));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/**
 * fw_spinner_set_active:
 *
 * Spins @spinner and shows it, or stops and hides it: the theme draws a
 * spinner that does not spin as a still wheel, which reads as a hang.
 */
void
fw_spinner_set_active (GtkSpinner *spinner,
                       gboolean    active)
{
  g_return_if_fail (GTK_IS_SPINNER (spinner));

  gtk_spinner_set_spinning (spinner, active);
  gtk_widget_set_visible (GTK_WIDGET (spinner), active);
}

/**
 * fw_cairo_append_to_array:
 * @closure: a #GByteArray
 *
 * A cairo write function that keeps what a surface writes in memory.
 */
cairo_status_t
fw_cairo_append_to_array (void                *closure,
                          const unsigned char *data,
                          unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * fw_cairo_finish_bytes:
 * @bytes: (transfer full): what the surface wrote
 *
 * Returns: (transfer full): @bytes once cairo says it drew them all, or
 *   %NULL with @error set from @status
 */
GBytes *
fw_cairo_finish_bytes (cairo_status_t   status,
                       GByteArray      *bytes,
                       GError         **error)
{
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_byte_array_unref (bytes);
      /* TRANSLATORS: an export failed while drawing; cairo's reason follows */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The file could not be drawn: %s"),
                   cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (bytes);
}
