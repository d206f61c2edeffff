/* fw-report.c — the logbook and the stock as CSV
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For a spreadsheet: the logbook a row per entry, with its time in ISO 8601
 * in the farm's zone, what it says, where it stands with the server and
 * its fields as JSON for whoever wants them exactly; the stock a row per
 * unit, a column per figure, with the figures' units in the header.
 */

#include "config.h"

#include "fw-csv.h"
#include "fw-logbook-schema.h"
#include "fw-report.h"

void
fw_report_logbook_header (GString *csv)
{
  g_string_append (csv, "time,unit,kind,details,sync_state,payload");
  fw_csv_end_row (csv);
}

void
fw_report_logbook_row (GString        *csv,
                       FwLogbookEntry *entry,
                       const char     *unit_name,
                       const char     *state,
                       GTimeZone      *timezone)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (fw_logbook_entry_get_occurred_at (entry));
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, timezone);
  g_autofree char *time = g_date_time_format_iso8601 (local);
  g_autofree char *details = fw_logbook_summarize (fw_logbook_entry_get_kind (entry),
                                                   fw_logbook_entry_get_payload (entry));

  fw_csv_append_field (csv, time);
  g_string_append_c (csv, ',');
  fw_csv_append_field (csv, unit_name);
  g_string_append_c (csv, ',');
  fw_csv_append_field (csv, fw_logbook_entry_get_kind (entry));
  g_string_append_c (csv, ',');
  fw_csv_append_field (csv, details);
  g_string_append_c (csv, ',');
  fw_csv_append_field (csv, state);
  g_string_append_c (csv, ',');
  fw_csv_append_field (csv, fw_logbook_entry_get_payload (entry));
  fw_csv_end_row (csv);
}

void
fw_report_stock_header (GString *csv)
{
  g_string_append (csv,
                   "unit,fish_alive,stocked,dead,harvested,transferred_out,mean_weight_g,biomass_kg,"
                   "density,density_unit,feed_kg,fcr_economic,fcr_biological,sgr_percent_per_day,"
                   "survival_percent,days_in_culture");
  fw_csv_end_row (csv);
}

void
fw_report_stock_row (GString       *csv,
                     const char    *unit_name,
                     const FwStock *stock)
{
  fw_csv_append_field (csv, unit_name);
  g_string_append_printf (csv, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                          ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",",
                          stock->alive, stock->stocked, stock->dead, stock->harvested, stock->transferred_out);
  fw_csv_append_number (csv, stock->mean_weight_g, 1);
  g_string_append_c (csv, ',');
  fw_csv_append_number (csv, stock->biomass_kg, 1);
  g_string_append_c (csv, ',');
  fw_csv_append_number (csv, stock->density, 3);
  g_string_append_c (csv, ',');
  g_string_append (csv, stock->density_per_m3 ? "kg/m3" : "kg/m2");
  g_string_append_c (csv, ',');
  fw_csv_append_number (csv, stock->feed_kg, 1);
  g_string_append_c (csv, ',');
  fw_csv_append_number (csv, stock->fcr_economic, 3);
  g_string_append_c (csv, ',');
  fw_csv_append_number (csv, stock->fcr_biological, 3);
  g_string_append_c (csv, ',');
  fw_csv_append_number (csv, stock->sgr, 3);
  g_string_append_c (csv, ',');
  fw_csv_append_number (csv, stock->survival_percent, 1);
  g_string_append_c (csv, ',');
  fw_csv_append_number (csv, stock->days_in_culture, 1);
  fw_csv_end_row (csv);
}
