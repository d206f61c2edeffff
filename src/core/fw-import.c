/* fw-import.c — sensor history from another system's CSV
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pond logs exported from other systems are CSV with a header, a time
 * column in some format and zone, and a column per parameter. The mapping
 * says which is which. Every row is accounted for: imported, or skipped
 * with its reason (a time not in the format, a time an earlier row had, no
 * value worth keeping), and every value likewise (not plausible for the
 * parameter, not a number, empty), so that a probe that read −127 °C or a
 * block of rows repeated under another date format is reported, never
 * quietly swallowed nor quietly stored.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "fw-cache.h"
#include "fw-import.h"

G_DEFINE_QUARK (fw-import-error-quark, fw_import_error)

FwImportMapping *
fw_import_mapping_new (const char *time_column,
                       const char *time_format,
                       GTimeZone  *timezone)
{
  FwImportMapping *mapping = g_new0 (FwImportMapping, 1);

  g_return_val_if_fail (time_column != NULL && time_format != NULL && timezone != NULL, NULL);

  mapping->time_column = g_strdup (time_column);
  mapping->time_format = g_strdup (time_format);
  mapping->timezone = g_time_zone_ref (timezone);
  mapping->columns = g_array_new (FALSE, FALSE, sizeof (FwImportColumn));

  return mapping;
}

void
fw_import_mapping_add (FwImportMapping *mapping,
                       const char      *column,
                       FwParameter      parameter,
                       double           scale)
{
  FwImportColumn entry = { g_strdup (column), parameter, scale };

  g_return_if_fail (mapping != NULL && column != NULL);

  g_array_append_val (mapping->columns, entry);
}

void
fw_import_mapping_free (FwImportMapping *mapping)
{
  if (mapping == NULL)
    return;

  for (guint i = 0; i < mapping->columns->len; i++)
    g_free (g_array_index (mapping->columns, FwImportColumn, i).name);
  g_array_unref (mapping->columns);
  g_time_zone_unref (mapping->timezone);
  g_free (mapping->time_column);
  g_free (mapping->time_format);
  g_free (mapping);
}

static gboolean
read_digits (const char **p,
             guint        max_digits,
             int         *value)
{
  guint n = 0;

  *value = 0;
  while (n < max_digits && g_ascii_isdigit (**p))
    {
      *value = *value * 10 + (**p - '0');
      (*p)++;
      n++;
    }

  return n > 0;
}

/**
 * fw_import_parse_time:
 * @format: %Y, %m, %d, %H, %M, %S and characters to match as they are
 * @timezone: the zone the time is written in
 * @time: (out): the moment
 *
 * Reads a time as @format writes it. A zone name after it ("CET", "UTC")
 * is allowed and left aside: @timezone says what the file's times mean.
 *
 * Returns: whether @text is a real time in @format
 */
gboolean
fw_import_parse_time (const char *text,
                      const char *format,
                      GTimeZone  *timezone,
                      FwTime     *time)
{
  g_autoptr(GDateTime) dt = NULL;
  int year = -1, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  const char *p = text;

  g_return_val_if_fail (text != NULL && format != NULL && timezone != NULL, FALSE);

  while (g_ascii_isspace (*p))
    p++;

  for (const char *f = format; *f != '\0'; f++)
    {
      gboolean ok;

      if (*f != '%')
        {
          if (*p != *f)
            return FALSE;
          p++;
          continue;
        }

      switch (*++f)
        {
        case 'Y': ok = read_digits (&p, 4, &year); break;
        case 'm': ok = read_digits (&p, 2, &month); break;
        case 'd': ok = read_digits (&p, 2, &day); break;
        case 'H': ok = read_digits (&p, 2, &hour); break;
        case 'M': ok = read_digits (&p, 2, &minute); break;
        case 'S': ok = read_digits (&p, 2, &second); break;
        default: return FALSE;
        }

      if (!ok)
        return FALSE;
    }

  /* Whitespace and a zone's name may follow (the mapping's zone says what
   * the times mean); nothing else. AM and PM would change the hour: such
   * a file needs a format this reader does not have, and is refused. */
  while (g_ascii_isspace (*p))
    p++;
  if (g_ascii_strncasecmp (p, "AM", 2) == 0 || g_ascii_strncasecmp (p, "PM", 2) == 0)
    return FALSE;
  while (g_ascii_isalpha (*p))
    p++;
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0' || year < 1900 || year > 2200 ||
      month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return FALSE;

  dt = g_date_time_new (timezone, year, month, day, hour, minute, second);
  if (dt == NULL || g_date_time_get_day_of_month (dt) != day)
    return FALSE;

  *time = g_date_time_to_unix (dt);
  return TRUE;
}

/* The fields of the record at *@pos (RFC 4180: quotes, doubled quotes,
 * line breaks inside quotes; a line may end in LF, CRLF or a bare CR);
 * FALSE at the end of the text. *@unclosed is set when the text ends
 * inside quotes. */
static gboolean
next_record_checked (const char *text,
                     gsize       length,
                     gsize      *pos,
                     GPtrArray  *fields,
                     gboolean   *unclosed)
{
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;

  g_ptr_array_set_size (fields, 0);
  if (*pos >= length)
    {
      g_string_free (field, TRUE);
      return FALSE;
    }

  while (*pos < length)
    {
      char c = text[(*pos)++];

      if (quoted)
        {
          if (c == '"' && *pos < length && text[*pos] == '"')
            {
              g_string_append_c (field, '"');
              (*pos)++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, c);
        }
      else if (c == '"')
        quoted = TRUE;
      else if (c == ',')
        {
          g_ptr_array_add (fields, g_string_free (field, FALSE));
          field = g_string_new (NULL);
        }
      else if (c == '\n')
        break;
      else if (c == '\r')
        {
          if (*pos < length && text[*pos] == '\n')
            (*pos)++;
          break;
        }
      else
        g_string_append_c (field, c);
    }

  if (unclosed != NULL)
    *unclosed = quoted;
  g_ptr_array_add (fields, g_string_free (field, FALSE));
  return TRUE;
}

static gboolean
next_record (const char *text,
             gsize       length,
             gsize      *pos,
             GPtrArray  *fields)
{
  return next_record_checked (text, length, pos, fields, NULL);
}

static gboolean
blank_record (GPtrArray *fields)
{
  return fields->len == 1 && *(const char *) g_ptr_array_index (fields, 0) == '\0';
}

static int
find_column (GPtrArray  *header,
             const char *name)
{
  for (guint i = 0; i < header->len; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (g_ptr_array_index (header, i)));

      if (g_str_equal (trimmed, name))
        return i;
    }

  return -1;
}

static gboolean
no_column (GPtrArray   *header,
           const char  *name,
           GError     **error)
{
  g_autofree char *names = NULL;

  g_ptr_array_add (header, NULL);
  names = g_strjoinv (", ", (char **) header->pdata);
  g_ptr_array_remove_index (header, header->len - 1);

  g_set_error (error, FW_IMPORT_ERROR, FW_IMPORT_ERROR_NO_COLUMN,
               /* TRANSLATORS: a column the mapping names, then the file's columns */
               _("The file has no column “%s”; its columns are: %s"), name, names);
  return FALSE;
}

/**
 * fw_import_csv:
 * @result: (out caller-allocates): the readings of each mapped column and
 *   the account of every row; clear it with fw_import_result_clear()
 *
 * Reads @text as CSV with a header row, by @mapping.
 *
 * Returns: %FALSE with @error set when the file cannot be read at all: no
 *   header, or a mapped column missing from it
 */
gboolean
fw_import_csv (const char             *text,
               gsize                   length,
               const FwImportMapping  *mapping,
               FwImportResult         *result,
               GError                **error)
{
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree int *indexes = NULL;
  gboolean unclosed = FALSE;
  gsize pos = 0;
  int time_index;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (mapping != NULL && result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  result->readings = g_array_new (FALSE, FALSE, sizeof (GArray *));

  /* A byte order mark is not part of the first column's name. */
  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;

  if (!next_record (text, length, &pos, header) || blank_record (header))
    {
      g_set_error (error, FW_IMPORT_ERROR, FW_IMPORT_ERROR_NO_HEADER,
                   _("The file is empty: it needs a header row naming its columns"));
      return FALSE;
    }

  time_index = find_column (header, mapping->time_column);
  if (time_index < 0)
    return no_column (header, mapping->time_column, error);

  indexes = g_new (int, MAX (mapping->columns->len, 1));
  for (guint c = 0; c < mapping->columns->len; c++)
    {
      const FwImportColumn *column = &g_array_index (mapping->columns, FwImportColumn, c);
      GArray *readings = g_array_new (FALSE, FALSE, sizeof (FwReading));

      indexes[c] = find_column (header, column->name);
      if (indexes[c] < 0)
        return no_column (header, column->name, error);
      g_array_append_val (result->readings, readings);
    }

  for (guint line = 2; next_record_checked (text, length, &pos, fields, &unclosed); line++)
    {
      const char *time_text;
      FwTime time;
      guint kept = 0;

      if (unclosed)
        {
          g_set_error (error, FW_IMPORT_ERROR, FW_IMPORT_ERROR_BAD_FORMAT,
                       /* TRANSLATORS: a CSV file opens a quote it never closes */
                       _("A quote opened in row %u is never closed: the file is not valid CSV"), line);
          return FALSE;
        }

      if (blank_record (fields))
        continue;

      result->rows++;

      time_text = (guint) time_index < fields->len ? g_ptr_array_index (fields, time_index) : "";
      if (!fw_import_parse_time (time_text, mapping->time_format, mapping->timezone, &time))
        {
          result->rows_bad_time++;
          continue;
        }

      if (g_hash_table_contains (seen, &time))
        {
          result->rows_duplicate_time++;
          continue;
        }

      for (guint c = 0; c < mapping->columns->len; c++)
        {
          const FwImportColumn *column = &g_array_index (mapping->columns, FwImportColumn, c);
          const FwParameterInfo *info = fw_parameter_get_info (column->parameter);
          g_autofree char *value_text = NULL;
          char *end = NULL;
          FwReading reading = { time, 0 };

          value_text = g_strstrip (g_strdup ((guint) indexes[c] < fields->len ? g_ptr_array_index (fields, indexes[c]) : ""));
          if (*value_text == '\0')
            {
              result->values_empty++;
              continue;
            }

          reading.value = g_ascii_strtod (value_text, &end);
          if (end == value_text || *end != '\0')
            {
              result->values_not_number++;
              continue;
            }

          reading.value *= column->scale;
          if (!isfinite (reading.value) ||
              reading.value < info->plausible_min || reading.value > info->plausible_max)
            {
              result->values_out_of_range++;
              continue;
            }

          g_array_append_val (g_array_index (result->readings, GArray *, c), reading);
          result->values_imported++;
          kept++;
        }

      if (kept == 0)
        {
          result->rows_no_value++;
          continue;
        }

      result->rows_imported++;
      g_hash_table_add (seen, g_memdup2 (&time, sizeof time));
    }

  return TRUE;
}

/**
 * fw_import_read_header:
 *
 * Returns: (transfer full) (nullable): the names of the columns of the CSV
 *   @text, trimmed, as fw_import_csv() reads them; %NULL for an empty file
 */
char **
fw_import_read_header (const char *text,
                       gsize       length)
{
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  gsize pos = length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

  if (!next_record (text, length, &pos, header) || blank_record (header))
    return NULL;

  for (guint i = 0; i < header->len; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (g_ptr_array_index (header, i)));

      g_strv_builder_add (names, trimmed);
    }

  return g_strv_builder_end (names);
}

void
fw_import_result_clear (FwImportResult *result)
{
  if (result->readings == NULL)
    return;

  for (guint i = 0; i < result->readings->len; i++)
    g_array_unref (g_array_index (result->readings, GArray *, i));
  g_clear_pointer (&result->readings, g_array_unref);
}

/**
 * fw_import_result_describe:
 *
 * Returns: (transfer full): the account of the rows and values, a line
 *   each, for the command line and the import dialog
 */
char *
fw_import_result_describe (const FwImportResult *result)
{
  return g_strdup_printf (_("rows: %u\n"
                            "rows imported: %u\n"
                            "rows skipped, time not in the format: %u\n"
                            "rows skipped, time seen before: %u\n"
                            "rows skipped, no value to keep: %u\n"
                            "values imported: %u\n"
                            "values skipped, not plausible: %u\n"
                            "values skipped, not a number: %u\n"
                            "values skipped, empty: %u\n"),
                          result->rows, result->rows_imported, result->rows_bad_time,
                          result->rows_duplicate_time, result->rows_no_value,
                          result->values_imported, result->values_out_of_range,
                          result->values_not_number, result->values_empty);
}

typedef struct
{
  const FwImportMapping *mapping;
  const FwImportResult  *result;
  const gint64          *targets;
  guint                  count;
} ImportSave;

static gboolean
import_save_cb (FwCache  *cache,
                gpointer  user_data,
                GError  **error)
{
  ImportSave *save = user_data;

  for (guint c = 0; c < save->mapping->columns->len; c++)
    {
      GArray *readings = g_array_index (save->result->readings, GArray *, c);

      if (!fw_cache_insert_readings (cache, save->targets[c], (FwReading *) (gpointer) readings->data,
                                     readings->len, error))
        return FALSE;
      save->count += readings->len;
    }

  return TRUE;
}

/**
 * fw_import_save:
 * @unit_id: the unit whose sensors take the readings
 * @saved: (out) (optional): how many readings were written
 *
 * Writes each mapped column's readings into the unit's sensor for its
 * parameter. Every column must find its sensor, and no two columns the
 * same one, before anything is written; all of it goes in one
 * transaction. Blocks: call it
 * from a worker thread.
 */
gboolean
fw_import_save (FwCache               *cache,
                gint64                 unit_id,
                const FwImportMapping *mapping,
                const FwImportResult  *result,
                guint                 *saved,
                GError               **error)
{
  g_autoptr(GPtrArray) sensors = fw_cache_list_sensors (cache, unit_id, 0, error);
  g_autofree gint64 *targets = NULL;
  guint count = 0;

  g_return_val_if_fail (FW_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (mapping != NULL && result != NULL && result->readings != NULL, FALSE);

  if (sensors == NULL)
    return FALSE;

  /* Two columns into one sensor would count its readings twice. */
  for (guint c = 0; c < mapping->columns->len; c++)
    for (guint d = 0; d < c; d++)
      if (g_array_index (mapping->columns, FwImportColumn, c).parameter ==
          g_array_index (mapping->columns, FwImportColumn, d).parameter)
        {
          g_set_error (error, FW_IMPORT_ERROR, FW_IMPORT_ERROR_BAD_FORMAT,
                       _("Columns “%s” and “%s” both say they hold %s; keep one"),
                       g_array_index (mapping->columns, FwImportColumn, d).name,
                       g_array_index (mapping->columns, FwImportColumn, c).name,
                       fw_parameter_get_label (g_array_index (mapping->columns, FwImportColumn, c).parameter));
          return FALSE;
        }

  targets = g_new0 (gint64, MAX (mapping->columns->len, 1));
  for (guint c = 0; c < mapping->columns->len; c++)
    {
      const FwImportColumn *column = &g_array_index (mapping->columns, FwImportColumn, c);

      for (guint s = 0; s < sensors->len && targets[c] == 0; s++)
        if (fw_sensor_get_parameter (g_ptr_array_index (sensors, s)) == column->parameter)
          targets[c] = fw_record_get_id (g_ptr_array_index (sensors, s));

      if (targets[c] == 0)
        {
          g_set_error (error, FW_IMPORT_ERROR, FW_IMPORT_ERROR_NO_SENSOR,
                       /* TRANSLATORS: the unit has no sensor for a parameter a column was given */
                       _("The unit has no %s sensor for column “%s”"),
                       fw_parameter_get_label (column->parameter), column->name);
          return FALSE;
        }
    }

  {
    ImportSave save = { mapping, result, targets, 0 };

    /* All of the file or none of it: a retry never counts twice. */
    if (!fw_cache_run_in_transaction (cache, import_save_cb, &save, error))
      return FALSE;
    count = save.count;
  }

  if (saved != NULL)
    *saved = count;
  return TRUE;
}
