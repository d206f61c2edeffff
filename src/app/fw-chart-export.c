/* fw-chart-export.c — charts to PNG, SVG and PDF, and their data to CSV
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An export is what the page shows: its charts one below the other, at
 * the size they have on screen, drawn by the charts' own code into a cairo
 * surface of the chosen kind; or the data of the visible range as CSV.
 * The file is written by fw_save_dialog_run(), off the main thread, whole
 * or not at all.
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
#include "fw-save-dialog.h"

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
      surface = cairo_svg_surface_create_for_stream (fw_cairo_append_to_array, bytes, width, height);
      break;
    case FW_CHART_EXPORT_PDF:
      surface = cairo_pdf_surface_create_for_stream (fw_cairo_append_to_array, bytes, width, height);
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
    status = cairo_surface_write_to_png_stream (surface, fw_cairo_append_to_array, bytes);
  else
    {
      /* A vector surface writes its stream as it finishes. */
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  return fw_cairo_finish_bytes (status, g_steal_pointer (&bytes), error);
}

typedef struct
{
  GPtrArray           *charts;
  FwChartExportFormat  format;
  char                *title;
} Export;

static void
export_free (Export *export)
{
  g_clear_pointer (&export->title, g_free);
  g_clear_pointer (&export->charts, g_ptr_array_unref);
  g_free (export);
}

static GBytes *
render_export (gpointer   user_data,
               GError   **error)
{
  Export *export = user_data;

  return fw_chart_export_render (export->charts, export->format, export->title, error);
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
  g_autofree char *file_name = NULL;
  Export *export;

  g_return_if_fail (GTK_IS_WIDGET (page));
  g_return_if_fail (charts != NULL);
  g_return_if_fail (format < G_N_ELEMENTS (formats));

  export = g_new0 (Export, 1);
  export->charts = g_ptr_array_ref (charts);
  export->format = format;
  export->title = g_strdup (title);

  file_name = g_strdup_printf ("%s.%s", name, formats[format].name);
  fw_save_dialog_run (page,
                      format == FW_CHART_EXPORT_CSV ? _("Export Data") : _("Export Chart"),
                      file_name, formats[format].mime_type, _(formats[format].label),
                      render_export, export, (GDestroyNotify) export_free);
}
