/* fw-import.h — sensor history from another system's CSV
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "fw-parameter.h"
#include "fw-reading.h"
#include "fw-types.h"

G_BEGIN_DECLS

#define FW_IMPORT_ERROR (fw_import_error_quark ())

typedef enum
{
  FW_IMPORT_ERROR_NO_HEADER,
  FW_IMPORT_ERROR_NO_COLUMN,
  FW_IMPORT_ERROR_BAD_FORMAT,
  FW_IMPORT_ERROR_NO_SENSOR,
} FwImportError;

/* One column of the file and what it measures. */
typedef struct
{
  char        *name;
  FwParameter  parameter;
  double       scale;          /* the file's unit to the parameter's: 1 mostly */
} FwImportColumn;

typedef struct
{
  char      *time_column;
  char      *time_format;      /* %Y %m %d %H %M %S and literal characters */
  GTimeZone *timezone;         /* of times written without one */
  GArray    *columns;          /* FwImportColumn */
} FwImportMapping;

typedef struct
{
  guint   rows;                /* data rows in the file */
  guint   rows_imported;       /* with at least one value kept */
  guint   rows_bad_time;       /* skipped: a time not in the format */
  guint   rows_duplicate_time; /* skipped: a time an earlier row had */
  guint   rows_no_value;       /* skipped: no value worth keeping */
  guint   values_imported;
  guint   values_out_of_range; /* not plausible for the parameter */
  guint   values_not_number;
  guint   values_empty;
  GArray *readings;            /* GArray of FwReading per column, in file order */
} FwImportResult;

GQuark           fw_import_error_quark      (void);

FwImportMapping *fw_import_mapping_new      (const char      *time_column,
                                             const char      *time_format,
                                             GTimeZone       *timezone);
void             fw_import_mapping_add      (FwImportMapping *mapping,
                                             const char      *column,
                                             FwParameter      parameter,
                                             double           scale);
void             fw_import_mapping_free     (FwImportMapping *mapping);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwImportMapping, fw_import_mapping_free)

gboolean         fw_import_parse_time       (const char      *text,
                                             const char      *format,
                                             GTimeZone       *timezone,
                                             FwTime          *time);
char           **fw_import_read_header      (const char      *text,
                                             gsize            length);
gboolean         fw_import_csv              (const char      *text,
                                             gsize            length,
                                             const FwImportMapping *mapping,
                                             FwImportResult  *result,
                                             GError         **error);
void             fw_import_result_clear     (FwImportResult  *result);
char            *fw_import_result_describe  (const FwImportResult *result);
gboolean         fw_import_save             (FwCache         *cache,
                                             gint64           unit_id,
                                             const FwImportMapping *mapping,
                                             const FwImportResult  *result,
                                             guint           *saved,
                                             GError         **error);

G_END_DECLS
