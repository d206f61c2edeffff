/* fw-farm-stock.c — the stock of every unit of a farm, in a table
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row per unit and a column per figure (fw-stock.c), sortable by any of
 * them, with the farm's totals above: the manager's morning view of who
 * grows, who eats and who dies. The logbook is read and added up in a
 * worker thread.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fw-app-util.h"
#include "fw-farm-stock.h"
#include "fw-save-dialog.h"

/* One row: a unit and its figures. */
#define FW_TYPE_STOCK_ROW (fw_stock_row_get_type ())
G_DECLARE_FINAL_TYPE (FwStockRow, fw_stock_row, FW, STOCK_ROW, GObject)

struct _FwStockRow
{
  GObject  parent_instance;
  char    *unit_name;
  FwStock  stock;
};

G_DEFINE_FINAL_TYPE (FwStockRow, fw_stock_row, G_TYPE_OBJECT)

static void
fw_stock_row_finalize (GObject *object)
{
  g_free (FW_STOCK_ROW (object)->unit_name);
  G_OBJECT_CLASS (fw_stock_row_parent_class)->finalize (object);
}

static void
fw_stock_row_class_init (FwStockRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fw_stock_row_finalize;
}

static void
fw_stock_row_init (FwStockRow *self)
{
}

struct _FwFarmStock
{
  GtkBox          parent_instance;

  FwCache        *cache;
  GListModel     *units;
  GListStore     *rows;
  GCancellable   *cancellable;
  gboolean        loading;

  AdwWindowTitle *title;
  GtkColumnView  *table;
  GtkLabel       *totals;
  GtkStack       *stack;
};

G_DEFINE_FINAL_TYPE (FwFarmStock, fw_farm_stock, FW_TYPE_PAGE)

/* The figures as columns: where each lives in FwStock, and how it reads. */
typedef enum
{
  AS_COUNT,
  AS_ONE_DECIMAL,
  AS_TWO_DECIMALS,
} Style;

static const struct
{
  const char *title;
  gsize       offset;       /* of a double in FwStock, or of a gint64 for counts */
  Style       style;
  const char *unit;
} columns[] = {
  { N_("Fish Alive"), G_STRUCT_OFFSET (FwStock, alive), AS_COUNT, "" },
  { N_("Mean Weight"), G_STRUCT_OFFSET (FwStock, mean_weight_g), AS_ONE_DECIMAL, "g" },
  { N_("Biomass"), G_STRUCT_OFFSET (FwStock, biomass_kg), AS_ONE_DECIMAL, "kg" },
  { N_("Density"), G_STRUCT_OFFSET (FwStock, density), AS_TWO_DECIMALS, "" },
  { N_("Feed"), G_STRUCT_OFFSET (FwStock, feed_kg), AS_ONE_DECIMAL, "kg" },
  { N_("eFCR"), G_STRUCT_OFFSET (FwStock, fcr_economic), AS_TWO_DECIMALS, "" },
  { N_("bFCR"), G_STRUCT_OFFSET (FwStock, fcr_biological), AS_TWO_DECIMALS, "" },
  { N_("SGR"), G_STRUCT_OFFSET (FwStock, sgr), AS_TWO_DECIMALS, "%/d" },
  { N_("Survival"), G_STRUCT_OFFSET (FwStock, survival_percent), AS_ONE_DECIMAL, "%" },
  { N_("Days"), G_STRUCT_OFFSET (FwStock, days_in_culture), AS_COUNT, "" },
};

static double
column_value (FwStockRow *row,
              guint       column)
{
  /* The fish alive are the one whole number among the figures. */
  if (columns[column].offset == G_STRUCT_OFFSET (FwStock, alive))
    return (double) G_STRUCT_MEMBER (gint64, &row->stock, columns[column].offset);
  return G_STRUCT_MEMBER (double, &row->stock, columns[column].offset);
}

static char *
column_text (FwStockRow *row,
             guint       column)
{
  double value = column_value (row, column);

  if (!isfinite (value))
    return g_strdup ("—");

  switch (columns[column].style)
    {
    case AS_COUNT:
      return g_strdup_printf ("%.0f", value);
    case AS_ONE_DECIMAL:
      return g_strdup_printf ("%.1f", value);
    case AS_TWO_DECIMALS:
      return g_strdup_printf ("%.2f", value);
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Unknown figures sort last, whichever way. */
static int
compare_rows_cb (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  double x = column_value ((FwStockRow *) a, column);
  double y = column_value ((FwStockRow *) b, column);

  if (!isfinite (x) || !isfinite (y))
    return isfinite (x) ? GTK_ORDERING_SMALLER : isfinite (y) ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
  return (x > y) - (x < y);
}

static int
compare_names_cb (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  return g_utf8_collate (((FwStockRow *) a)->unit_name, ((FwStockRow *) b)->unit_name);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (user_data) < 0 ? 0 : 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  FwStockRow *row = gtk_list_item_get_item (item);
  int column = GPOINTER_TO_INT (user_data);
  g_autofree char *text = column < 0 ? g_strdup (row->unit_name) : column_text (row, column);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static GtkColumnViewColumn *
create_column (const char *title,
               int         column,
               GtkSorter  *sorter)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (column));

  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (view_column, sorter);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  g_object_unref (sorter);

  return view_column;
}

typedef struct
{
  FwCache   *cache;
  GPtrArray *units;       /* FwUnit */
  FwTime     now;
} Load;

static void
load_free (Load *load)
{
  g_clear_object (&load->cache);
  g_clear_pointer (&load->units, g_ptr_array_unref);
  g_free (load);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Load *load = task_data;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  GError *error = NULL;

  for (guint i = 0; i < load->units->len; i++)
    {
      FwUnit *unit = g_ptr_array_index (load->units, i);
      g_autoptr(GPtrArray) entries = NULL;
      FwStockRow *row;

      if (g_task_return_error_if_cancelled (task))
        return;

      entries = fw_cache_list_logbook (load->cache, fw_record_get_uuid (FW_RECORD (unit)), &error);
      if (entries == NULL)
        {
          g_task_return_error (task, error);
          return;
        }

      row = g_object_new (FW_TYPE_STOCK_ROW, NULL);
      row->unit_name = g_strdup (fw_unit_get_name (unit));
      fw_stock_compute (fw_record_get_uuid (FW_RECORD (unit)), entries,
                        fw_unit_get_volume (unit), fw_unit_get_area (unit), load->now, &row->stock);
      g_ptr_array_add (rows, row);
    }

  g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify) g_ptr_array_unref);
}

static void
show_totals (FwFarmStock *self)
{
  g_autofree char *text = NULL;
  gint64 alive = 0;
  double biomass = 0, feed = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
    {
      g_autoptr(FwStockRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      alive += row->stock.alive;
      biomass += row->stock.biomass_kg;
      feed += row->stock.feed_kg;
    }

  {
    g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, alive);

    /* TRANSLATORS: the farm's totals above the stock table */
    text = g_strdup_printf (_("%s fish alive, %.1f kg of biomass, %.1f kg of feed to date"),
                            count, biomass, feed);
  }
  gtk_label_set_label (self->totals, text);
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FwFarmStock *self = FW_FARM_STOCK (source);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  rows = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  if (rows == NULL)
    {
      fw_widget_add_toast (GTK_WIDGET (self), error->message);
      return;
    }

  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       rows->pdata, rows->len);
  show_totals (self);
  gtk_stack_set_visible_child_name (self->stack, rows->len > 0 ? "table" : "empty");
}

/**
 * fw_farm_stock_show:
 * @units: (element-type FwUnit): the farm's units
 *
 * Reads every unit's logbook off the main thread and shows their stock.
 */
void
fw_farm_stock_show (FwFarmStock *self,
                    FwCache     *cache,
                    GListModel  *units)
{
  g_autoptr(GTask) task = NULL;
  Load *load;

  g_return_if_fail (FW_IS_FARM_STOCK (self));
  g_return_if_fail (FW_IS_CACHE (cache));
  g_return_if_fail (G_IS_LIST_MODEL (units));

  g_set_object (&self->cache, cache);
  g_set_object (&self->units, units);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  load = g_new0 (Load, 1);
  load->cache = g_object_ref (cache);
  load->units = g_ptr_array_new_with_free_func (g_object_unref);
  load->now = fw_now ();
  for (guint i = 0; i < g_list_model_get_n_items (units); i++)
    g_ptr_array_add (load->units, g_list_model_get_item (units, i));

  self->loading = TRUE;
  task = g_task_new (self, self->cancellable, on_loaded_cb, NULL);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  g_task_run_in_thread (task, load_thread);
}

gboolean
fw_farm_stock_get_loading (FwFarmStock *self)
{
  g_return_val_if_fail (FW_IS_FARM_STOCK (self), FALSE);

  return self->loading;
}

/**
 * fw_farm_stock_get_rows:
 *
 * Returns: (transfer none): the units' rows, in the farm's order
 */
GListModel *
fw_farm_stock_get_rows (FwFarmStock *self)
{
  g_return_val_if_fail (FW_IS_FARM_STOCK (self), NULL);

  return G_LIST_MODEL (self->rows);
}

/**
 * fw_farm_stock_get_table:
 *
 * Returns: (transfer none): the table
 */
GtkColumnView *
fw_farm_stock_get_table (FwFarmStock *self)
{
  g_return_val_if_fail (FW_IS_FARM_STOCK (self), NULL);

  return self->table;
}

static GBytes *
render_report (gpointer   user_data,
               GError   **error)
{
  GPtrArray *rows = user_data;
  GString *csv = g_string_new (NULL);

  fw_report_stock_header (csv);
  for (guint i = 0; i < rows->len; i++)
    {
      FwStockRow *row = g_ptr_array_index (rows, i);

      fw_report_stock_row (csv, row->unit_name, &row->stock);
    }

  return g_string_free_to_bytes (csv);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FwFarmStock *self = FW_FARM_STOCK (widget);
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
    g_ptr_array_add (rows, g_list_model_get_item (G_LIST_MODEL (self->rows), i));

  fw_save_dialog_run (widget, _("Export Stock Report"), _("Farm stock.csv"), "text/csv",
                      _("CSV Spreadsheets"), render_report, rows, (GDestroyNotify) g_ptr_array_unref);
}

static void
fw_farm_stock_dispose (GObject *object)
{
  FwFarmStock *self = FW_FARM_STOCK (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->rows);
  g_clear_object (&self->cache);
  g_clear_object (&self->units);

  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_FARM_STOCK);

  G_OBJECT_CLASS (fw_farm_stock_parent_class)->dispose (object);
}

static void
fw_farm_stock_class_init (FwFarmStockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_farm_stock_dispose;
  gtk_widget_class_install_action (widget_class, "farm-stock.export", NULL, export_action);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-farm-stock.ui");
  gtk_widget_class_bind_template_child (widget_class, FwFarmStock, title);
  gtk_widget_class_bind_template_child (widget_class, FwFarmStock, table);
  gtk_widget_class_bind_template_child (widget_class, FwFarmStock, totals);
  gtk_widget_class_bind_template_child (widget_class, FwFarmStock, stack);
}

static void
fw_farm_stock_init (FwFarmStock *self)
{
  g_autoptr(GtkSortListModel) sorted = NULL;
  g_autoptr(GtkNoSelection) selection = NULL;
  GtkColumnViewColumn *column;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_list_store_new (FW_TYPE_STOCK_ROW);
  self->cancellable = g_cancellable_new ();

  column = create_column (_("Unit"), -1, GTK_SORTER (gtk_custom_sorter_new (compare_names_cb, NULL, NULL)));
  gtk_column_view_column_set_expand (column, TRUE);
  gtk_column_view_append_column (self->table, column);
  g_object_unref (column);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autofree char *title = *columns[i].unit != '\0'
                               ? g_strdup_printf ("%s (%s)", _(columns[i].title), columns[i].unit)
                               : g_strdup (_(columns[i].title));

      column = create_column (title, i,
                              GTK_SORTER (gtk_custom_sorter_new (compare_rows_cb, GUINT_TO_POINTER (i), NULL)));
      gtk_column_view_append_column (self->table, column);
      g_object_unref (column);
    }

  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->rows)),
                                    g_object_ref (gtk_column_view_get_sorter (self->table)));
  selection = gtk_no_selection_new (G_LIST_MODEL (g_steal_pointer (&sorted)));
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (selection));
}
