/* fw-metrics.c — what the server counts, in Prometheus's text format
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Labels are the route pattern ("/api/v1/farms/{id}"), never the path
 * itself, and never a farm or sensor: the number of series stays the same
 * however many farms the server has. Counters only ever grow within a
 * process; Prometheus handles the reset when a server restarts.
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "fw-metrics.h"

/* Seconds; from a quick lookup to a slow ingest of a large batch. */
static const double buckets[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

typedef struct
{
  char    *route;
  char    *method;
  guint64  count;
  double   sum;
  guint64  buckets[G_N_ELEMENTS (buckets)];
  guint64  by_class[6];          /* 1xx … 5xx by first digit */
} RouteSeries;

struct _FwMetrics
{
  GObject     parent_instance;

  GMutex      lock;
  char       *version;
  char       *revision;
  char       *environment;
  double      start_time;
  gboolean    store_up;
  gint64      alerts_warning;    /* firing, counted by the store */
  gint64      alerts_critical;
  GHashTable *routes;            /* "route method" → RouteSeries */
  GHashTable *counters[FW_COUNTER_LOGINS + 1];   /* label → guint64 * */
};

G_DEFINE_FINAL_TYPE (FwMetrics, fw_metrics, G_TYPE_OBJECT)

static const struct {
  const char *name;
  const char *help;
  const char *label;
} counter_info[] = {
  { "fishwatch_readings_ingested_total", "Sensor readings accepted through the ingest API.", NULL },
  { "fishwatch_readings_rejected_total", "Sensor readings refused by the ingest API, by reason.", "reason" },
  { "fishwatch_sync_mutations_total", "Mutations pushed by clients, by result.", "result" },
  { "fishwatch_logins_total", "Sign-in attempts, by result.", "result" },
};

static void
route_series_free (RouteSeries *series)
{
  g_free (series->route);
  g_free (series->method);
  g_free (series);
}

static void
fw_metrics_finalize (GObject *object)
{
  FwMetrics *self = FW_METRICS (object);

  g_mutex_clear (&self->lock);
  g_clear_pointer (&self->routes, g_hash_table_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->counters); i++)
    g_clear_pointer (&self->counters[i], g_hash_table_unref);
  g_free (self->version);
  g_free (self->revision);
  g_free (self->environment);

  G_OBJECT_CLASS (fw_metrics_parent_class)->finalize (object);
}

static void
fw_metrics_class_init (FwMetricsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fw_metrics_finalize;
}

static void
fw_metrics_init (FwMetrics *self)
{
  g_mutex_init (&self->lock);
  self->routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) route_series_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->counters); i++)
    self->counters[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->start_time = g_get_real_time () / (double) G_USEC_PER_SEC;
}

FwMetrics *
fw_metrics_new (const char *version,
                const char *revision,
                const char *environment)
{
  FwMetrics *self = g_object_new (FW_TYPE_METRICS, NULL);

  self->version = g_strdup (version);
  self->revision = g_strdup (revision);
  self->environment = g_strdup (environment);
  return self;
}

void
fw_metrics_observe_request (FwMetrics  *self,
                            const char *route,
                            const char *method,
                            guint       status,
                            double      seconds)
{
  g_autofree char *key = g_strconcat (route, " ", method, NULL);
  RouteSeries *series;

  g_return_if_fail (FW_IS_METRICS (self));

  g_mutex_lock (&self->lock);

  series = g_hash_table_lookup (self->routes, key);
  if (series == NULL)
    {
      series = g_new0 (RouteSeries, 1);
      series->route = g_strdup (route);
      series->method = g_strdup (method);
      g_hash_table_insert (self->routes, g_steal_pointer (&key), series);
    }

  series->count++;
  series->sum += seconds;
  for (guint i = 0; i < G_N_ELEMENTS (buckets); i++)
    {
      if (seconds <= buckets[i])
        series->buckets[i]++;
    }
  series->by_class[MIN (status / 100, 5)]++;

  g_mutex_unlock (&self->lock);
}

void
fw_metrics_add (FwMetrics  *self,
                FwCounter   counter,
                const char *label,
                guint64     amount)
{
  guint64 *value;

  g_return_if_fail (FW_IS_METRICS (self));
  g_return_if_fail ((guint) counter < G_N_ELEMENTS (counter_info));

  if (amount == 0)
    return;

  g_mutex_lock (&self->lock);
  value = g_hash_table_lookup (self->counters[counter], label ?: "");
  if (value == NULL)
    {
      value = g_new0 (guint64, 1);
      g_hash_table_insert (self->counters[counter], g_strdup (label ?: ""), value);
    }
  *value += amount;
  g_mutex_unlock (&self->lock);
}

void
fw_metrics_set_store_up (FwMetrics *self,
                         gboolean   up)
{
  g_return_if_fail (FW_IS_METRICS (self));

  g_mutex_lock (&self->lock);
  self->store_up = up;
  g_mutex_unlock (&self->lock);
}

static void
append_label_value (GString    *out,
                    const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
}

static void
append_series (GString    *out,
               const char *name,
               const char *labels,
               const char *extra_label,
               const char *extra_value,
               const char *value)
{
  g_string_append (out, name);
  if (labels != NULL || extra_label != NULL)
    {
      g_string_append_c (out, '{');
      if (labels != NULL)
        g_string_append (out, labels);
      if (extra_label != NULL)
        {
          if (labels != NULL)
            g_string_append_c (out, ',');
          g_string_append_printf (out, "%s=\"", extra_label);
          append_label_value (out, extra_value);
          g_string_append_c (out, '"');
        }
      g_string_append_c (out, '}');
    }
  g_string_append_printf (out, " %s\n", value);
}

static void
append_header (GString    *out,
               const char *name,
               const char *type,
               const char *help)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int
compare_series (gconstpointer a,
                gconstpointer b)
{
  const RouteSeries *x = *(RouteSeries **) a, *y = *(RouteSeries **) b;
  int order = g_strcmp0 (x->route, y->route);

  return order != 0 ? order : g_strcmp0 (x->method, y->method);
}

/* The process's own figures, from /proc: Linux only, as the deployments. */
static void
append_process_metrics (GString *out,
                        double   start_time)
{
  g_autofree char *stat = NULL;
  g_autoptr(GDir) fds = NULL;
  long page_size = sysconf (_SC_PAGESIZE);
  long ticks = sysconf (_SC_CLK_TCK);
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  guint n_fds = 0;

  if (g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL))
    {
      /* Fields after the command name, which may hold spaces. */
      const char *after = strrchr (stat, ')');
      g_auto(GStrv) fields = after != NULL ? g_strsplit (after + 2, " ", -1) : NULL;

      if (fields != NULL && g_strv_length (fields) > 22)
        {
          double cpu = (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / ticks;

          append_header (out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
          append_series (out, "process_cpu_seconds_total", NULL, NULL, NULL, g_ascii_dtostr (number, sizeof number, cpu));
          append_header (out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
          append_series (out, "process_virtual_memory_bytes", NULL, NULL, NULL, fields[20]);
          append_header (out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
          g_ascii_dtostr (number, sizeof number, g_ascii_strtod (fields[21], NULL) * page_size);
          append_series (out, "process_resident_memory_bytes", NULL, NULL, NULL, number);
        }
    }

  append_header (out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
  append_series (out, "process_start_time_seconds", NULL, NULL, NULL,
                 g_ascii_dtostr (number, sizeof number, start_time));

  if ((fds = g_dir_open ("/proc/self/fd", 0, NULL)) != NULL)
    {
      while (g_dir_read_name (fds) != NULL)
        n_fds++;
      append_header (out, "process_open_fds", "gauge", "Number of open file descriptors.");
      g_snprintf (number, sizeof number, "%u", n_fds);
      append_series (out, "process_open_fds", NULL, NULL, NULL, number);
    }

  append_header (out, "process_max_fds", "gauge", "Maximum number of open file descriptors.");
  g_snprintf (number, sizeof number, "%ld", sysconf (_SC_OPEN_MAX));
  append_series (out, "process_max_fds", NULL, NULL, NULL, number);
}

/* The store counts alerts: every instance behind a balancer sees the
 * same, where a count kept in the process would see its own writes only. */
void
fw_metrics_set_alerts_firing (FwMetrics *self,
                              gint64     warning,
                              gint64     critical)
{
  g_return_if_fail (FW_IS_METRICS (self));

  g_mutex_lock (&self->lock);
  self->alerts_warning = warning;
  self->alerts_critical = critical;
  g_mutex_unlock (&self->lock);
}

/**
 * fw_metrics_render:
 *
 * Returns: (transfer full): everything counted, in the Prometheus text
 *   exposition format 0.0.4
 */
char *
fw_metrics_render (FwMetrics *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) series = g_ptr_array_new ();
  g_autoptr(GString) build = g_string_new (NULL);
  static const char * const classes[] = { "0xx", "1xx", "2xx", "3xx", "4xx", "5xx" };
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (FW_IS_METRICS (self), NULL);

  g_mutex_lock (&self->lock);

  g_hash_table_iter_init (&iter, self->routes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (series, value);
  g_ptr_array_sort (series, compare_series);

  append_header (out, "fishwatch_http_requests_total", "counter",
                 "HTTP requests answered, by route, method and status class.");
  for (guint i = 0; i < series->len; i++)
    {
      RouteSeries *s = g_ptr_array_index (series, i);
      g_autoptr(GString) labels = g_string_new ("route=\"");

      append_label_value (labels, s->route);
      g_string_append_printf (labels, "\",method=\"%s\"", s->method);
      for (guint c = 1; c < G_N_ELEMENTS (classes); c++)
        {
          if (s->by_class[c] == 0)
            continue;
          g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, s->by_class[c]);
          append_series (out, "fishwatch_http_requests_total", labels->str, "status_class", classes[c], number);
        }
    }

  append_header (out, "fishwatch_http_request_duration_seconds", "histogram",
                 "Time from a request's arrival to its answer, by route and method.");
  for (guint i = 0; i < series->len; i++)
    {
      RouteSeries *s = g_ptr_array_index (series, i);
      g_autoptr(GString) labels = g_string_new ("route=\"");
      char bound[G_ASCII_DTOSTR_BUF_SIZE];

      append_label_value (labels, s->route);
      g_string_append_printf (labels, "\",method=\"%s\"", s->method);
      for (guint b = 0; b < G_N_ELEMENTS (buckets); b++)
        {
          g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, s->buckets[b]);
          append_series (out, "fishwatch_http_request_duration_seconds_bucket", labels->str, "le",
                         g_ascii_dtostr (bound, sizeof bound, buckets[b]), number);
        }
      g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, s->count);
      append_series (out, "fishwatch_http_request_duration_seconds_bucket", labels->str, "le", "+Inf", number);
      append_series (out, "fishwatch_http_request_duration_seconds_sum", labels->str, NULL, NULL,
                     g_ascii_dtostr (number, sizeof number, s->sum));
      g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, s->count);
      append_series (out, "fishwatch_http_request_duration_seconds_count", labels->str, NULL, NULL, number);
    }

  for (guint c = 0; c < G_N_ELEMENTS (counter_info); c++)
    {
      g_autoptr(GList) labels = g_list_sort (g_hash_table_get_keys (self->counters[c]), (GCompareFunc) g_strcmp0);

      append_header (out, counter_info[c].name, "counter", counter_info[c].help);
      if (counter_info[c].label == NULL)
        {
          guint64 *count = g_hash_table_lookup (self->counters[c], "");

          g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, count != NULL ? *count : 0);
          append_series (out, counter_info[c].name, NULL, NULL, NULL, number);
          continue;
        }

      for (GList *l = labels; l != NULL; l = l->next)
        {
          guint64 *count = g_hash_table_lookup (self->counters[c], l->data);

          g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, *count);
          append_series (out, counter_info[c].name, NULL, counter_info[c].label, l->data, number);
        }
    }

  append_header (out, "fishwatch_store_up", "gauge", "Whether the last check reached the store.");
  append_series (out, "fishwatch_store_up", NULL, NULL, NULL, self->store_up ? "1" : "0");

  /* By severity only: a label per farm would grow with the farms. */
  append_header (out, "fishwatch_alerts_firing", "gauge",
                 "Alerts firing and not yet acknowledged, across all farms, by severity.");
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, self->alerts_warning);
  append_series (out, "fishwatch_alerts_firing", NULL, "severity", "warning", number);
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, self->alerts_critical);
  append_series (out, "fishwatch_alerts_firing", NULL, "severity", "critical", number);

  append_header (out, "fishwatch_build_info", "gauge", "The running build: version, revision and environment.");
  g_string_append (build, "version=\"");
  append_label_value (build, self->version);
  g_string_append (build, "\",revision=\"");
  append_label_value (build, self->revision);
  g_string_append (build, "\",environment=\"");
  append_label_value (build, self->environment);
  g_string_append_c (build, '"');
  append_series (out, "fishwatch_build_info", build->str, NULL, NULL, "1");

  append_process_metrics (out, self->start_time);

  g_mutex_unlock (&self->lock);

  return g_string_free (g_steal_pointer (&out), FALSE);
}
