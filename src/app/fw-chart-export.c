/* fw-chart-export.c — charts to PNG, SVG and PDF, and their data to CSV
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An export is what the page shows: its charts one below the other, at
 * the size they have on screen, drawn by the charts' own code into a cairo
 * surface of the chosen kind; or the data of the visible range as CSV.
 * The file is written by GIO off the main thread, whole or not at all
 * (g_file_replace_contents keeps the old file until the new one is done).
 */

#include "config.h"

#include <adwaita.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
#include <glib/gi18n.h>

#include "fw-app-util.h"
#include "fw-chart.h"
#include "fw-chart-export.h"

#define GAP 16          /* between stacked charts, and around them */
#define PNG_SCALE 2     /* pixels per point, for sharp images */

static const struct
{
  const char *name;
  const char *mime_type;
  const char *label;
} formats[] = {
  [FW_CHART_EXPORT_PNG] = { "png", "image/png", N_("PNG Images") },
  [FW_CHART_EXPORT_SVG] = { "svg", "image/svg+xml", N_("SVG Images") },
  [FW_CHART_EXPORT_PDF] = { "pdf", "application/pdf", N_("PDF Documents") },
  [FW_CHART_EXPORT_CSV] = { "csv", "text/csv", N_("CSV Spreadsheets") },
};

gboolean
fw_chart_export_format_from_string (const char          *name,
                                    FwChartExportFormat *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_strcmp0 (name, formats[i].name) == 0)
      {
        *format = i;
        return TRUE;
      }

  return FALSE;
}

static cairo_status_t
write_to_array (void                *closure,
                const unsigned char *data,
                unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
chart_size (FwChart *chart,
            int     *width,
            int     *height)
{
  *width = gtk_widget_get_width (GTK_WIDGET (chart));
  *height = gtk_widget_get_height (GTK_WIDGET (chart));

  /* A chart not on screen gets a size that reads well. */
  if (*width < 100 || *height < 60)
    {
      *width = 800;
      *height = 240;
    }
}

static GBytes *
render_csv (GPtrArray *charts)
{
  GString *csv = g_string_new (fw_chart_csv_get_header ());

  for (guint i = 0; i < charts->len; i++)
    {
      FwChart *chart = g_ptr_array_index (charts, i);
      FwTimeRange *range = fw_chart_get_range (chart);

      for (guint s = 0; s < fw_chart_get_n_series (chart); s++)
        fw_chart_series_append_csv (fw_chart_get_series (chart, s),
                                    fw_time_range_get_from (range),
                                    fw_time_range_get_to (range),
                                    fw_chart_get_timezone (chart),
                                    csv);
    }

  return g_string_free_to_bytes (csv);
}

/**
 * fw_chart_export_render:
 * @charts: (element-type FwChart): what to draw, top to bottom
 * @title: the heading above them, in an image
 *
 * Returns: (transfer full): the file's contents, or %NULL with @error set
 */
GBytes *
fw_chart_export_render (GPtrArray            *charts,
                        FwChartExportFormat   format,
                        const char           *title,
                        GError              **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(PangoLayout) heading = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  int width = 0, height = GAP, heading_height = 0;

  g_return_val_if_fail (charts != NULL, NULL);

  if (format == FW_CHART_EXPORT_CSV)
    return render_csv (charts);

  if (charts->len > 0)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      heading = gtk_widget_create_pango_layout (g_ptr_array_index (charts, 0), title);
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_attr_list_insert (attrs, pango_attr_scale_new (1.4));
      pango_layout_set_attributes (heading, attrs);
      pango_attr_list_unref (attrs);
      pango_layout_get_pixel_size (heading, NULL, &heading_height);
      height += heading_height + GAP;
    }

  for (guint i = 0; i < charts->len; i++)
    {
      int w, h;

      chart_size (g_ptr_array_index (charts, i), &w, &h);
      width = MAX (width, w + 2 * GAP);
      height += h + GAP;
    }

  switch (format)
    {
    case FW_CHART_EXPORT_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width * PNG_SCALE, height * PNG_SCALE);
      cairo_surface_set_device_scale (surface, PNG_SCALE, PNG_SCALE);
      break;
    case FW_CHART_EXPORT_SVG:
      surface = cairo_svg_surface_create_for_stream (write_to_array, bytes, width, height);
      break;
    case FW_CHART_EXPORT_PDF:
      surface = cairo_pdf_surface_create_for_stream (write_to_array, bytes, width, height);
      break;
    case FW_CHART_EXPORT_CSV:
    default:
      g_return_val_if_reached (NULL);
    }

  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  cairo_translate (cr, GAP, GAP);
  if (heading != NULL)
    {
      cairo_set_source_rgb (cr, 0.141, 0.122, 0.192);
      cairo_move_to (cr, 0, 0);
      pango_cairo_show_layout (cr, heading);
      cairo_translate (cr, 0, heading_height + GAP);
    }

  for (guint i = 0; i < charts->len; i++)
    {
      FwChart *chart = g_ptr_array_index (charts, i);
      g_autoptr(GskRenderNode) node = NULL;
      int w, h;

      chart_size (chart, &w, &h);
      node = fw_chart_create_node (chart, w, h);
      if (node != NULL)
        gsk_render_node_draw (node, cr);
      cairo_translate (cr, 0, h + GAP);
    }

  cairo_destroy (cr);

  if (format == FW_CHART_EXPORT_PNG)
    status = cairo_surface_write_to_png_stream (surface, write_to_array, bytes);
  else
    {
      /* A vector surface writes its stream as it finishes. */
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The chart could not be drawn: %s"), cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

typedef struct
{
  GtkWidget *page;
  char      *display_name;
} Save;

static void
save_free (Save *save)
{
  g_clear_object (&save->page);
  g_clear_pointer (&save->display_name, g_free);
  g_free (save);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Save *save = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    /* TRANSLATORS: a toast after exporting a chart; %s is the file name */
    text = g_strdup_printf (_("Saved “%s”"), save->display_name);
  else
    /* TRANSLATORS: a toast; the file name, then why it could not be written */
    text = g_strdup_printf (_("Could not save “%s”: %s"), save->display_name, error->message);

  fw_widget_add_toast (save->page, text);
  save_free (save);
}

typedef struct
{
  GtkWidget           *page;
  GPtrArray           *charts;
  FwChartExportFormat  format;
  char                *title;
} Export;

static void
export_free (Export *export)
{
  g_clear_pointer (&export->title, g_free);
  g_clear_object (&export->page);
  g_clear_pointer (&export->charts, g_ptr_array_unref);
  g_free (export);
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        gpointer         user_data)
{
  Export *export = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) contents = NULL;
  Save *save;

  if (response != GTK_RESPONSE_ACCEPT)
    goto out;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file == NULL)
    goto out;

  contents = fw_chart_export_render (export->charts, export->format, export->title, &error);
  if (contents == NULL)
    {
      fw_widget_add_toast (export->page, error->message);
      goto out;
    }

  save = g_new0 (Save, 1);
  save->page = g_object_ref (export->page);
  save->display_name = g_file_get_basename (file);
  g_file_replace_contents_bytes_async (file, contents, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, on_saved_cb, save);

out:
  export_free (export);
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

/**
 * fw_chart_export_run:
 * @page: what the charts are on: the dialog's parent, and where the toast
 *   that tells how it went appears
 * @charts: (element-type FwChart): what to export
 * @name: the suggested file name, without extension
 * @title: the heading of an image: what the charts are of, and when
 *
 * Asks where to save, then writes the file.
 */
void
fw_chart_export_run (GtkWidget           *page,
                     GPtrArray           *charts,
                     FwChartExportFormat  format,
                     const char          *name,
                     const char          *title)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *file_name = NULL;
  GtkFileChooserNative *chooser;
  Export *export;
  GtkRoot *root;

  g_return_if_fail (GTK_IS_WIDGET (page));
  g_return_if_fail (charts != NULL);
  g_return_if_fail (format < G_N_ELEMENTS (formats));

  root = gtk_widget_get_root (page);
  chooser = gtk_file_chooser_native_new (format == FW_CHART_EXPORT_CSV ? _("Export Data") : _("Export Chart"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  file_name = g_strdup_printf ("%s.%s", name, formats[format].name);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file_name);
  gtk_file_filter_add_mime_type (filter, formats[format].mime_type);
  gtk_file_filter_set_name (filter, _(formats[format].label));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);

  export = g_new0 (Export, 1);
  export->page = g_object_ref (page);
  export->charts = g_ptr_array_ref (charts);
  export->format = format;
  export->title = g_strdup (title);

  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response_cb), export);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
