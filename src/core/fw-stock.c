/* fw-stock.c — the fish in a unit, from its logbook
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A unit's stock is a ledger of its logbook: stockings and transfers in
 * add fish, mortalities, harvests and transfers out take them away, and
 * weight samples say how big they are. The figures follow the usual
 * definitions of the trade:
 *
 * - Specific growth rate, % a day: SGR = 100 (ln W2 − ln W1) / (t2 − t1),
 *   from the first known mean weight (the stocking) to the last sample.
 *   Hopkins K. D. (1992). Reporting fish growth: a review of the basics.
 *   J. World Aquacult. Soc. 23: 173–179.
 *
 * - The mean weight between two known weights grows exponentially, and
 *   after the last one it is projected forward at that SGR (the same
 *   model, as above).
 *
 * - Feed conversion ratio, economic: feed given / (biomass now + biomass
 *   removed − biomass put in); biological: the same with the estimated
 *   biomass of the fish that died added to the gain, since they ate and
 *   grew too. Fry J. P., Mailloux N. A., Love D. C., Milli M. C., Cao L.
 *   (2018). Feed conversion efficiency in aquaculture: do we measure it
 *   correctly? Environ. Res. Lett. 13: 024017.
 *
 * - Survival, %: 100 (1 − dead / fish put in); harvests and transfers out
 *   are not losses.
 *
 * - Density: biomass over the unit's volume (kg/m³), or over its area for
 *   a pond recorded without one (kg/m²).
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fw-cache.h"
#include "fw-logbook-schema.h"
#include "fw-stock.h"

typedef struct
{
  FwTime time;
  double weight_g;
} WeightPoint;

typedef struct
{
  FwTime time;
  gint64 count;
} Death;

typedef struct
{
  FwLogbookEntry *entry;
  JsonObject     *payload;
} Event;

/* In time order; entries of the same moment in the order they were made
 * (a stocking and the deaths logged with it). */
static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  FwRecord *ra = FW_RECORD (((const Event *) a)->entry);
  FwRecord *rb = FW_RECORD (((const Event *) b)->entry);
  FwTime ta = fw_logbook_entry_get_occurred_at (((const Event *) a)->entry);
  FwTime tb = fw_logbook_entry_get_occurred_at (((const Event *) b)->entry);
  gint64 ia = fw_record_get_id (ra) > 0 ? fw_record_get_id (ra) : G_MAXINT64;
  gint64 ib = fw_record_get_id (rb) > 0 ? fw_record_get_id (rb) : G_MAXINT64;

  if (ta != tb)
    return (ta > tb) - (ta < tb);
  return (ia > ib) - (ia < ib);
}

static gint64
count (JsonObject *payload)
{
  double value = fw_logbook_payload_number (payload, "count");

  return isfinite (value) && value > 0 ? (gint64) value : 0;
}

/* The SGR, % a day, between the first and the last known weights. */
static double
growth_rate (GArray *weights)
{
  WeightPoint *first, *last;

  if (weights->len < 2)
    return NAN;

  first = &g_array_index (weights, WeightPoint, 0);
  last = &g_array_index (weights, WeightPoint, weights->len - 1);
  if (last->time <= first->time || first->weight_g <= 0 || last->weight_g <= 0)
    return NAN;

  return 100 * (log (last->weight_g) - log (first->weight_g)) / ((last->time - first->time) / 86400.0);
}

/* The mean weight at @time: exponential between known weights, projected
 * at the overall SGR after the last. */
static double
weight_at (GArray *weights,
           double  sgr,
           FwTime  time)
{
  WeightPoint *last;

  if (weights->len == 0)
    return NAN;

  for (guint i = 1; i < weights->len; i++)
    {
      WeightPoint *a = &g_array_index (weights, WeightPoint, i - 1);
      WeightPoint *b = &g_array_index (weights, WeightPoint, i);

      if (time < b->time)
        {
          if (time <= a->time || b->time <= a->time)
            return a->weight_g;
          return a->weight_g * exp (log (b->weight_g / a->weight_g) *
                                    (double) (time - a->time) / (double) (b->time - a->time));
        }
    }

  last = &g_array_index (weights, WeightPoint, weights->len - 1);
  if (isnan (sgr) || time <= last->time)
    return last->weight_g;
  return last->weight_g * exp (sgr / 100 * (time - last->time) / 86400.0);
}

static void
add_weight (GArray *weights,
            FwTime  time,
            double  weight_g)
{
  WeightPoint point = { time, weight_g };

  if (!isfinite (weight_g) || weight_g <= 0)
    return;

  /* Two weights at one moment: the later entry's stands. */
  if (weights->len > 0 && g_array_index (weights, WeightPoint, weights->len - 1).time == time)
    g_array_index (weights, WeightPoint, weights->len - 1).weight_g = weight_g;
  else
    g_array_append_val (weights, point);
}

/**
 * fw_stock_compute:
 * @unit_uuid: the unit
 * @entries: (element-type FwLogbookEntry): the unit's logbook entries, and
 *   any transfers from other units into it, in any order
 * @volume_m3: the unit's volume, 0 when not known
 * @area_m2: its area, 0 when not known
 * @now: the moment of the figures; later entries are left out
 * @stock: (out caller-allocates): the figures
 *
 * Works out the unit's stock from its logbook. Deleted entries and
 * payloads that are not JSON objects are skipped.
 */
void
fw_stock_compute (const char *unit_uuid,
                  GPtrArray  *entries,
                  double      volume_m3,
                  double      area_m2,
                  FwTime      now,
                  FwStock    *stock)
{
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (Event));
  g_autoptr(GArray) weights = g_array_new (FALSE, FALSE, sizeof (WeightPoint));
  g_autoptr(GPtrArray) parsers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) deaths = g_array_new (FALSE, FALSE, sizeof (Death));
  FwTime first_stocked = 0;
  double gain;

  g_return_if_fail (unit_uuid != NULL);
  g_return_if_fail (entries != NULL);
  g_return_if_fail (stock != NULL);

  memset (stock, 0, sizeof *stock);

  for (guint i = 0; i < entries->len; i++)
    {
      FwLogbookEntry *entry = g_ptr_array_index (entries, i);
      JsonParser *parser;
      JsonNode *root;
      Event event = { entry, NULL };

      if (fw_record_get_deleted (FW_RECORD (entry)) || fw_logbook_entry_get_occurred_at (entry) > now)
        continue;

      parser = json_parser_new ();
      g_ptr_array_add (parsers, parser);
      if (!json_parser_load_from_data (parser, fw_logbook_entry_get_payload (entry), -1, NULL))
        continue;
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        continue;

      event.payload = json_node_get_object (root);
      g_array_append_val (events, event);
    }

  g_array_sort (events, compare_events);

  for (guint i = 0; i < events->len; i++)
    {
      Event *event = &g_array_index (events, Event, i);
      const char *kind = fw_logbook_entry_get_kind (event->entry);
      FwTime time = fw_logbook_entry_get_occurred_at (event->entry);
      gboolean here = g_strcmp0 (fw_logbook_entry_get_unit_uuid (event->entry), unit_uuid) == 0;
      gint64 n = count (event->payload);
      double w = fw_logbook_payload_number (event->payload, "mean_weight_g");

      if (g_strcmp0 (kind, "transfer") == 0 && !here)
        {
          /* Fish coming in from another unit are stocked here. */
          if (g_strcmp0 (json_object_get_string_member_with_default (event->payload, "to_unit", NULL),
                         unit_uuid) != 0)
            continue;
          kind = "stocking";
        }
      else if (!here)
        continue;

      if (g_strcmp0 (kind, "stocking") == 0)
        {
          double before = stock->alive > 0 ? weight_at (weights, NAN, time) : NAN;

          /* Stocking an empty unit starts a new cycle: the old fish's
           * weights say nothing of the new fish's growth. */
          if (stock->alive == 0 && weights->len > 0)
            g_array_set_size (weights, 0);

          /* The mean weight of the fish there and the fish added. */
          if (isfinite (before) && isfinite (w))
            w = (stock->alive * before + n * w) / (stock->alive + n);
          add_weight (weights, time, w);
          stock->stocked += n;
          stock->alive += n;
          if (isfinite (fw_logbook_payload_number (event->payload, "mean_weight_g")))
            stock->stocked_kg += n * fw_logbook_payload_number (event->payload, "mean_weight_g") / 1000;
          if (first_stocked == 0)
            first_stocked = time;
        }
      else if (g_strcmp0 (kind, "weight_sample") == 0)
        add_weight (weights, time, w);
      else if (g_strcmp0 (kind, "feeding") == 0)
        {
          double kg = fw_logbook_payload_number (event->payload, "kg");

          if (isfinite (kg) && kg > 0)
            stock->feed_kg += kg;
        }
      else if (g_strcmp0 (kind, "mortality") == 0)
        {
          Death death;

          stock->shortfall += MAX (0, n - stock->alive);
          n = MIN (n, stock->alive);
          death = (Death) { time, n };
          g_array_append_val (deaths, death);
          stock->dead += n;
          stock->alive -= n;
        }
      else if (g_strcmp0 (kind, "harvest") == 0)
        {
          double kg = fw_logbook_payload_number (event->payload, "total_kg");

          stock->shortfall += MAX (0, n - stock->alive);
          n = MIN (n, stock->alive);
          stock->harvested += n;
          stock->alive -= n;
          if (isfinite (kg) && kg > 0)
            stock->removed_kg += kg;
        }
      else if (g_strcmp0 (kind, "transfer") == 0)
        {
          stock->shortfall += MAX (0, n - stock->alive);
          n = MIN (n, stock->alive);
          stock->transferred_out += n;
          stock->alive -= n;
          if (isfinite (w))
            stock->removed_kg += n * w / 1000;
        }
    }

  stock->sgr = growth_rate (weights);
  stock->mean_weight_g = weight_at (weights, stock->sgr, now);

  /* The dead are weighed with hindsight: at the mean weight of their day,
   * which later samples tell better than earlier ones. */
  for (guint i = 0; i < deaths->len; i++)
    {
      Death *death = &g_array_index (deaths, Death, i);
      double w = weight_at (weights, stock->sgr, death->time);

      if (isfinite (w))
        stock->dead_kg += death->count * w / 1000;
    }

  stock->biomass_kg = isfinite (stock->mean_weight_g) ? stock->alive * stock->mean_weight_g / 1000 : 0;

  if (volume_m3 > 0)
    {
      stock->density = stock->biomass_kg / volume_m3;
      stock->density_per_m3 = TRUE;
    }
  else if (area_m2 > 0)
    stock->density = stock->biomass_kg / area_m2;
  else
    stock->density = NAN;

  gain = stock->biomass_kg + stock->removed_kg - stock->stocked_kg;
  stock->fcr_economic = gain > 0 && stock->feed_kg > 0 ? stock->feed_kg / gain : NAN;
  stock->fcr_biological = gain + stock->dead_kg > 0 && stock->feed_kg > 0
                          ? stock->feed_kg / (gain + stock->dead_kg) : NAN;

  stock->survival_percent = stock->stocked > 0 ? 100.0 * (1.0 - (double) stock->dead / stock->stocked) : NAN;
  stock->days_in_culture = first_stocked != 0 ? (now - first_stocked) / 86400.0 : NAN;
}

/**
 * fw_stock_check_entry:
 * @history: (element-type FwLogbookEntry): the unit's logbook as it is
 * @entry: a new entry, or a changed one (the same uuid as one in @history)
 *
 * Replays the unit's ledger with @entry in its place, to the end of time,
 * so that an entry dated in the past cannot leave a later harvest, death
 * or transfer taking fish that would no longer be there.
 *
 * Returns: how many more fish would be taken out than there are, 0 when
 *   the entry fits
 */
gint64
fw_stock_check_entry (const char     *unit_uuid,
                      GPtrArray      *history,
                      FwLogbookEntry *entry)
{
  g_autoptr(GPtrArray) without = g_ptr_array_new ();
  g_autoptr(GPtrArray) with = g_ptr_array_new ();
  FwStock before, after;

  g_return_val_if_fail (FW_IS_LOGBOOK_ENTRY (entry), 0);

  for (guint i = 0; i < history->len; i++)
    {
      FwRecord *record = g_ptr_array_index (history, i);

      g_ptr_array_add (without, record);
      if (g_strcmp0 (fw_record_get_uuid (record), fw_record_get_uuid (FW_RECORD (entry))) != 0)
        g_ptr_array_add (with, record);
    }
  g_ptr_array_add (with, entry);

  fw_stock_compute (unit_uuid, without, 0, 0, G_MAXINT64, &before);
  fw_stock_compute (unit_uuid, with, 0, 0, G_MAXINT64, &after);

  return MAX (0, after.shortfall - before.shortfall);
}

/**
 * fw_logbook_check:
 * @now: the present, for entries dated ahead
 * @problems: (out) (transfer container) (element-type FwFieldProblem):
 *   what is wrong with @entry; empty when nothing
 *
 * Checks @entry as the app and the command line both must before saving
 * it: its fields (fw_logbook_validate()) against the fish alive in its
 * unit at its time, the ledger replayed with it to the end (a backdated
 * death must not leave a later harvest short), and a transfer's
 * destination among the units the cache knows. An entry being changed is
 * checked in place of its earlier version. Blocks: call it from a worker
 * thread.
 *
 * Returns: %FALSE with @error set when the cache could not be read
 */
gboolean
fw_logbook_check (FwCache         *cache,
                  FwLogbookEntry  *entry,
                  FwTime           now,
                  GPtrArray      **problems,
                  GError         **error)
{
  const char *unit_uuid = fw_logbook_entry_get_unit_uuid (entry);
  g_autoptr(GPtrArray) history = fw_cache_list_logbook (cache, unit_uuid, error);
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(JsonNode) payload = json_from_string (fw_logbook_entry_get_payload (entry), NULL);
  FwLogbookContext context = { unit_uuid, -1, now };
  const char *kind = fw_logbook_entry_get_kind (entry);
  FwStock stock;

  g_return_val_if_fail (problems != NULL, FALSE);

  *problems = NULL;
  if (history == NULL)
    return FALSE;

  /* The fish there before this entry: without its earlier version. */
  others = g_ptr_array_new ();
  for (guint i = 0; i < history->len; i++)
    if (g_strcmp0 (fw_record_get_uuid (g_ptr_array_index (history, i)), fw_record_get_uuid (FW_RECORD (entry))) != 0)
      g_ptr_array_add (others, g_ptr_array_index (history, i));

  fw_stock_compute (unit_uuid, others, 0, 0, fw_logbook_entry_get_occurred_at (entry), &stock);
  if (stock.stocked > 0)
    context.fish_alive = stock.alive;

  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    {
      *problems = g_ptr_array_new ();
      return TRUE;
    }

  *problems = fw_logbook_validate (kind, fw_logbook_entry_get_occurred_at (entry),
                                   json_node_get_object (payload), &context);
  if ((*problems)->len > 0)
    return TRUE;

  if (g_strcmp0 (kind, "transfer") == 0)
    {
      g_autoptr(GHashTable) units = fw_cache_get_unit_names (cache, error);
      const char *to = json_object_get_string_member_with_default (json_node_get_object (payload), "to_unit", "");

      if (units == NULL)
        return FALSE;
      if (!g_hash_table_contains (units, to))
        {
          g_ptr_array_unref (*problems);
          *problems = fw_logbook_problem_new ("to_unit", _("The unit the fish go to is not one of this farm’s"));
          return TRUE;
        }
    }

  if (stock.stocked > 0)
    {
      gint64 short_by = fw_stock_check_entry (unit_uuid, others, entry);

      if (short_by > 0)
        {
          g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, short_by);
          g_autofree char *message = NULL;

          /* TRANSLATORS: a backdated entry leaves later ones short of fish; a count follows */
          message = g_strdup_printf (_("With this entry, later entries would take out %s fish more than "
                                       "the unit holds; check the counts"), count);
          g_ptr_array_unref (*problems);
          *problems = fw_logbook_problem_new ("count", message);
        }
    }

  return TRUE;
}
