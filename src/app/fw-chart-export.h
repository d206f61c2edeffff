/* fw-chart-export.h — charts to PNG, SVG and PDF, and their data to CSV
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  FW_CHART_EXPORT_PNG,
  FW_CHART_EXPORT_SVG,
  FW_CHART_EXPORT_PDF,
  FW_CHART_EXPORT_CSV,
} FwChartExportFormat;

gboolean  fw_chart_export_format_from_string (const char           *name,
                                              FwChartExportFormat  *format);
GBytes   *fw_chart_export_render             (GPtrArray            *charts,
                                              FwChartExportFormat   format,
                                              const char           *title,
                                              GError              **error);
void      fw_chart_export_run                (GtkWidget            *page,
                                              GPtrArray            *charts,
                                              FwChartExportFormat   format,
                                              const char           *name,
                                              const char           *title);

G_END_DECLS
