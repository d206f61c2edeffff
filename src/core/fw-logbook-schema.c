/* fw-logbook-schema.c — what each kind of logbook entry holds, and checks
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One table says which fields each kind of entry has, with their units and
 * plausible ranges. The app builds its entry forms from it, and the app,
 * the command line and the stock figures all check entries against it, so
 * a value is judged the same way wherever it is typed.
 *
 * Plausible ranges are wide on purpose: they catch typing mistakes (a pH
 * of 72, oxygen of 80 mg/L, a negative count), not unusual ponds.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "fw-logbook-schema.h"
#include "fw-water.h"

static const char * const feed_methods[] = { "hand", "blower", "demand_feeder", "automatic_feeder", NULL };
static const char * const mortality_causes[] = {
  "unknown", "low_oxygen", "disease", "predation", "handling", "water_quality", NULL,
};
static const char * const dose_units[] = { "mg_per_l", "g_per_kg_feed", "ml_per_m3", "g_per_m3", NULL };
static const char * const species[] = {
  "nile_tilapia", "channel_catfish", "rainbow_trout", "atlantic_salmon", "whiteleg_shrimp",
  "common_carp", "african_catfish", NULL,
};

static const struct
{
  const char *id;
  const char *label;
} choice_labels[] = {
  { "hand", N_("By hand") },
  { "blower", N_("Blower") },
  { "demand_feeder", N_("Demand feeder") },
  { "automatic_feeder", N_("Automatic feeder") },
  { "unknown", N_("Unknown") },
  { "low_oxygen", N_("Low oxygen") },
  { "disease", N_("Disease") },
  { "predation", N_("Predation") },
  { "handling", N_("Handling") },
  { "water_quality", N_("Water quality") },
  { "mg_per_l", N_("mg/L") },
  { "g_per_kg_feed", N_("g/kg of feed") },
  { "ml_per_m3", N_("mL/m³") },
  { "g_per_m3", N_("g/m³") },
  { "nile_tilapia", N_("Nile tilapia") },
  { "channel_catfish", N_("Channel catfish") },
  { "rainbow_trout", N_("Rainbow trout") },
  { "atlantic_salmon", N_("Atlantic salmon") },
  { "whiteleg_shrimp", N_("Whiteleg shrimp") },
  { "common_carp", N_("Common carp") },
  { "african_catfish", N_("African catfish") },
};

#define ANY    NAN
#define FISH   1e8     /* more fish than any unit holds */

static const FwField feeding[] = {
  { "feed_type", N_("Feed type"), "", FW_FIELD_TEXT, TRUE, ANY, ANY, NULL },
  { "kg", N_("Amount"), "kg", FW_FIELD_NUMBER, TRUE, 0, 10000, NULL },
  { "method", N_("Method"), "", FW_FIELD_CHOICE, FALSE, ANY, ANY, feed_methods },
};

static const FwField mortality[] = {
  { "count", N_("Dead fish"), "", FW_FIELD_COUNT, TRUE, 1, FISH, NULL },
  { "cause", N_("Cause"), "", FW_FIELD_TEXT, FALSE, ANY, ANY, mortality_causes },
  { "note", N_("Note"), "", FW_FIELD_TEXT, FALSE, ANY, ANY, NULL },
};

/* Ranges: what water in a fish pond can hold, with room for brackish
 * and marine farms. */
static const FwField water_sample[] = {
  { "temperature_c", N_("Temperature"), "°C", FW_FIELD_NUMBER, FALSE, -2, 45, NULL },
  { "dissolved_oxygen_mg_l", N_("Dissolved oxygen"), "mg/L", FW_FIELD_NUMBER, FALSE, 0, 30, NULL },
  { "ph", N_("pH"), "", FW_FIELD_NUMBER, FALSE, 0, 14, NULL },
  { "total_ammonia_mg_l", N_("Total ammonia nitrogen"), "mg/L", FW_FIELD_NUMBER, FALSE, 0, 100, NULL },
  { "nitrite_mg_l", N_("Nitrite"), "mg/L", FW_FIELD_NUMBER, FALSE, 0, 50, NULL },
  { "salinity_ppt", N_("Salinity"), "ppt", FW_FIELD_NUMBER, FALSE, 0, 60, NULL },
  { "alkalinity_mg_l", N_("Alkalinity"), "mg/L CaCO₃", FW_FIELD_NUMBER, FALSE, 0, 1000, NULL },
  { "transparency_cm", N_("Transparency"), "cm", FW_FIELD_NUMBER, FALSE, 0, 500, NULL },
};

static const FwField observation[] = {
  { "text", N_("Observation"), "", FW_FIELD_TEXT, TRUE, ANY, ANY, NULL },
  { "tags", N_("Tags"), "", FW_FIELD_TEXT, FALSE, ANY, ANY, NULL },
};

static const FwField treatment[] = {
  { "product", N_("Product"), "", FW_FIELD_TEXT, TRUE, ANY, ANY, NULL },
  { "dose", N_("Dose"), "", FW_FIELD_NUMBER, TRUE, 0, 100000, NULL },
  { "dose_unit", N_("Dose unit"), "", FW_FIELD_CHOICE, TRUE, ANY, ANY, dose_units },
  { "withdrawal_days", N_("Withdrawal period"), "d", FW_FIELD_COUNT, FALSE, 0, 1000, NULL },
};

static const FwField stocking[] = {
  { "species", N_("Species"), "", FW_FIELD_TEXT, TRUE, ANY, ANY, species },
  { "count", N_("Fish stocked"), "", FW_FIELD_COUNT, TRUE, 1, FISH, NULL },
  { "mean_weight_g", N_("Mean weight"), "g", FW_FIELD_NUMBER, TRUE, 0.001, 50000, NULL },
  { "source", N_("Source"), "", FW_FIELD_TEXT, FALSE, ANY, ANY, NULL },
};

static const FwField weight_sample[] = {
  { "fish_weighed", N_("Fish weighed"), "", FW_FIELD_COUNT, TRUE, 1, 100000, NULL },
  { "mean_weight_g", N_("Mean weight"), "g", FW_FIELD_NUMBER, TRUE, 0.001, 50000, NULL },
};

static const FwField harvest[] = {
  { "count", N_("Fish harvested"), "", FW_FIELD_COUNT, TRUE, 1, FISH, NULL },
  { "total_kg", N_("Total weight"), "kg", FW_FIELD_NUMBER, TRUE, 0.001, 1e7, NULL },
};

static const FwField transfer[] = {
  { "to_unit", N_("To unit"), "", FW_FIELD_UNIT, TRUE, ANY, ANY, NULL },
  { "count", N_("Fish moved"), "", FW_FIELD_COUNT, TRUE, 1, FISH, NULL },
  { "mean_weight_g", N_("Mean weight"), "g", FW_FIELD_NUMBER, TRUE, 0.001, 50000, NULL },
};

static const struct
{
  const char    *kind;
  const FwField *fields;
  guint          n_fields;
} schemas[] = {
  { "feeding", feeding, G_N_ELEMENTS (feeding) },
  { "mortality", mortality, G_N_ELEMENTS (mortality) },
  { "water_sample", water_sample, G_N_ELEMENTS (water_sample) },
  { "observation", observation, G_N_ELEMENTS (observation) },
  { "treatment", treatment, G_N_ELEMENTS (treatment) },
  { "stocking", stocking, G_N_ELEMENTS (stocking) },
  { "weight_sample", weight_sample, G_N_ELEMENTS (weight_sample) },
  { "harvest", harvest, G_N_ELEMENTS (harvest) },
  { "transfer", transfer, G_N_ELEMENTS (transfer) },
};

/**
 * fw_logbook_kind_get_fields:
 * @n_fields: (out): how many
 *
 * Returns: (array length=n_fields) (nullable): the fields of @kind, in the
 *   order a form shows them; %NULL for a kind this version does not know
 */
const FwField *
fw_logbook_kind_get_fields (const char *kind,
                            guint      *n_fields)
{
  g_return_val_if_fail (n_fields != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (schemas); i++)
    if (g_strcmp0 (schemas[i].kind, kind) == 0)
      {
        *n_fields = schemas[i].n_fields;
        return schemas[i].fields;
      }

  *n_fields = 0;
  return NULL;
}

/**
 * fw_field_choice_get_label:
 *
 * Returns: the choice for people, translated; @choice itself when this
 *   version has no label for it
 */
const char *
fw_field_choice_get_label (const char *choice)
{
  for (guint i = 0; i < G_N_ELEMENTS (choice_labels); i++)
    if (g_strcmp0 (choice_labels[i].id, choice) == 0)
      return _(choice_labels[i].label);

  return choice;
}

static void
problem_free (FwFieldProblem *problem)
{
  g_free (problem->key);
  g_free (problem->message);
  g_free (problem);
}

G_GNUC_PRINTF (3, 4)
static void
add_problem (GPtrArray  *problems,
             const char *key,
             const char *format,
             ...)
{
  FwFieldProblem *problem = g_new0 (FwFieldProblem, 1);
  va_list args;

  va_start (args, format);
  problem->key = g_strdup (key);
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (problems, problem);
}

static char *
format_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* As people write it: no trailing zeros, and no exponent for counts. */
  g_snprintf (buffer, sizeof buffer, "%.10g", value);
  return g_strdup (buffer);
}

static gboolean
in_choices (const char * const *choices,
            const char         *value)
{
  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], value))
      return TRUE;
  return FALSE;
}

static void
check_number (GPtrArray     *problems,
              const FwField *field,
              JsonNode      *node)
{
  g_autofree char *shown = NULL;
  g_autofree char *min = NULL;
  g_autofree char *max = NULL;
  double value;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      /* TRANSLATORS: a field and what was typed into it */
      add_problem (problems, field->key, _("%s must be a number, not “%s”"),
                   _(field->label), json_node_get_string (node));
      return;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE && json_node_get_value_type (node) != G_TYPE_INT64))
    {
      add_problem (problems, field->key, _("%s must be a number"), _(field->label));
      return;
    }

  value = json_node_get_double (node);
  shown = format_number (value);

  if (field->type == FW_FIELD_COUNT && value != floor (value))
    {
      add_problem (problems, field->key, _("%s must be a whole number, not %s"), _(field->label), shown);
      return;
    }

  if (value >= field->min && value <= field->max)
    return;

  min = format_number (field->min);
  max = format_number (field->max);

  if (field->type == FW_FIELD_COUNT && value < field->min)
    /* TRANSLATORS: a count field and its smallest value, "Dead fish must be at least 1" */
    add_problem (problems, field->key, _("%s must be at least %s"), _(field->label), min);
  else if (*field->unit != '\0')
    /* TRANSLATORS: "Dissolved oxygen of 35 mg/L is not plausible: expect 0 to 30 mg/L" */
    add_problem (problems, field->key, _("%s of %s %s is not plausible: expect %s to %s %s"),
                 _(field->label), shown, field->unit, min, max, field->unit);
  else
    add_problem (problems, field->key, _("%s of %s is not plausible: expect %s to %s"),
                 _(field->label), shown, min, max);
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

static void
check_field (GPtrArray     *problems,
             const FwField *field,
             JsonNode      *node)
{
  const char *text;

  switch (field->type)
    {
    case FW_FIELD_NUMBER:
    case FW_FIELD_COUNT:
      check_number (problems, field, node);
      return;

    case FW_FIELD_TEXT:
    case FW_FIELD_CHOICE:
    case FW_FIELD_UNIT:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          add_problem (problems, field->key, _("%s must be text"), _(field->label));
          return;
        }
      text = json_node_get_string (node);
      if (is_blank (text))
        {
          if (field->required)
            add_problem (problems, field->key, _("%s is needed"), _(field->label));
          return;
        }
      if (field->type == FW_FIELD_CHOICE && !in_choices (field->choices, text))
        /* TRANSLATORS: a value, then the field it was given for */
        add_problem (problems, field->key, _("“%s” is not one of the choices for %s"), text, _(field->label));
      return;

    default:
      g_assert_not_reached ();
    }
}

/**
 * fw_logbook_problem_new:
 * @key: (nullable): the field, or %NULL for the entry as a whole
 *
 * Returns: (transfer container) (element-type FwFieldProblem): a list of
 *   the one problem
 */
GPtrArray *
fw_logbook_problem_new (const char *key,
                        const char *message)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) problem_free);

  add_problem (problems, key, "%s", message);
  return problems;
}

/**
 * fw_logbook_validate:
 * @payload: the entry's fields as they travel
 * @context: the unit, the fish in it and the present
 *
 * Checks an entry before it is saved: every field of its kind against its
 * type and plausible range, the time against the present, and counts
 * against the fish alive. Keys this version does not know are left alone.
 *
 * Returns: (transfer container) (element-type FwFieldProblem): what is
 *   wrong, in the order of the form; empty when nothing is
 */
GPtrArray *
fw_logbook_validate (const char             *kind,
                     FwTime                  occurred_at,
                     JsonObject             *payload,
                     const FwLogbookContext *context)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) problem_free);
  const FwField *fields;
  guint n_fields, n_given = 0;

  g_return_val_if_fail (payload != NULL, problems);
  g_return_val_if_fail (context != NULL, problems);

  fields = fw_logbook_kind_get_fields (kind, &n_fields);
  if (fields == NULL)
    {
      add_problem (problems, NULL, _("“%s” is not a kind of logbook entry"), kind != NULL ? kind : "");
      return problems;
    }

  if (occurred_at > context->now + FW_LOGBOOK_FUTURE_TOLERANCE)
    add_problem (problems, "occurred_at",
                 _("The time is in the future: an entry can be dated at most 10 minutes ahead"));

  for (guint i = 0; i < n_fields; i++)
    {
      JsonNode *node = json_object_get_member (payload, fields[i].key);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        {
          if (fields[i].required)
            add_problem (problems, fields[i].key, _("%s is needed"), _(fields[i].label));
          continue;
        }

      n_given++;
      check_field (problems, &fields[i], node);
    }

  if (g_str_equal (kind, "water_sample") && n_given == 0)
    add_problem (problems, NULL, _("Enter at least one measurement"));

  if (g_str_equal (kind, "transfer") &&
      g_strcmp0 (json_object_get_string_member_with_default (payload, "to_unit", NULL), context->unit_uuid) == 0)
    add_problem (problems, "to_unit", _("A transfer must go to another unit"));

  /* Fish that leave cannot outnumber the fish there are. */
  if ((g_str_equal (kind, "mortality") || g_str_equal (kind, "harvest") || g_str_equal (kind, "transfer")) &&
      context->fish_alive >= 0 && problems->len == 0)
    {
      gint64 count = json_object_get_int_member_with_default (payload, "count", 0);

      if (count > context->fish_alive)
        {
          g_autofree char *alive = g_strdup_printf ("%" G_GINT64_FORMAT, context->fish_alive);
          g_autofree char *leaving = g_strdup_printf ("%" G_GINT64_FORMAT, count);

          /* TRANSLATORS: the fish alive in the unit, then the count entered */
          add_problem (problems, "count", _("Only %s fish are alive in this unit, fewer than %s"),
                       alive, leaving);
        }
    }

  return problems;
}

static char *
format_value (const FwField *field,
              JsonNode      *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      if (field->type == FW_FIELD_CHOICE || field->choices != NULL)
        return g_strdup (fw_field_choice_get_label (text));
      if (field->type == FW_FIELD_UNIT)
        return g_strdup (_("another unit"));
      return g_strdup (text);
    }

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      double value = json_node_get_double (node);

      if (*field->unit != '\0')
        return g_strdup_printf ("%.10g %s", value, field->unit);
      return g_strdup_printf ("%.10g", value);
    }

  return g_strdup ("—");
}

/**
 * fw_logbook_payload_number:
 *
 * Returns: the number at @key of an entry's payload, or NAN when it is
 *   missing or not a number
 */
double
fw_logbook_payload_number (JsonObject *payload,
                           const char *key)
{
  JsonNode *node = json_object_get_member (payload, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE && json_node_get_value_type (node) != G_TYPE_INT64))
    return NAN;
  return json_node_get_double (node);
}

/* What a water sample implies: the un-ionised ammonia when it has total
 * ammonia, pH and temperature (Emerson et al. 1975), and how saturated the
 * oxygen is when it has oxygen and temperature (Benson and Krause 1984).
 * Outside the equations' ranges nothing is said. */
static void
append_chemistry (GString    *text,
                  JsonObject *payload)
{
  double tan = fw_logbook_payload_number (payload, "total_ammonia_mg_l");
  double ph = fw_logbook_payload_number (payload, "ph");
  double temperature = fw_logbook_payload_number (payload, "temperature_c");
  double oxygen = fw_logbook_payload_number (payload, "dissolved_oxygen_mg_l");
  double salinity = fw_logbook_payload_number (payload, "salinity_ppt");
  double fraction, saturation;

  if (isfinite (tan) && isfinite (ph) && isfinite (temperature) &&
      fw_water_unionised_ammonia_fraction (temperature, ph, &fraction, NULL))
    /* TRANSLATORS: after a water sample's values: its un-ionised ammonia in
     * mg/L, and its share of the total ammonia in percent */
    g_string_append_printf (text, _("; un-ionised ammonia %.3f mg/L (%.1f %%)"),
                            fraction * tan, 100 * fraction);

  if (isfinite (oxygen) && isfinite (temperature) &&
      fw_water_oxygen_saturation (temperature, isfinite (salinity) ? salinity : 0, &saturation, NULL))
    /* TRANSLATORS: after a water sample's values: its oxygen as a percentage
     * of saturation at its temperature and salinity */
    g_string_append_printf (text, _("; oxygen at %.0f %% of saturation"), 100 * oxygen / saturation);
}

/**
 * fw_logbook_summarize:
 * @payload: the entry's fields as JSON
 *
 * Returns: (transfer full): what an entry of @kind says in one line, its
 *   fields as the form names them ("Feed type Grower 32, Amount 12.5 kg"),
 *   and for a water sample what its values imply
 */
char *
fw_logbook_summarize (const char *kind,
                      const char *payload_json)
{
  g_autoptr(JsonNode) root = payload_json != NULL ? json_from_string (payload_json, NULL) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const FwField *fields;
  guint n_fields;
  JsonObject *payload;

  fields = fw_logbook_kind_get_fields (kind, &n_fields);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) || fields == NULL)
    return g_strdup ("");
  payload = json_node_get_object (root);

  for (guint i = 0; i < n_fields; i++)
    {
      JsonNode *node = json_object_get_member (payload, fields[i].key);
      g_autofree char *value = NULL;

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;

      value = format_value (&fields[i], node);
      if (text->len > 0)
        g_string_append (text, ", ");
      /* TRANSLATORS: a field of a logbook entry and its value, "Amount 12.5 kg" */
      g_string_append_printf (text, C_("logbook summary", "%s %s"), _(fields[i].label), value);
    }

  if (g_str_equal (kind, "water_sample"))
    append_chemistry (text, payload);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * fw_field_problems_to_string:
 * @problems: (element-type FwFieldProblem): from fw_logbook_validate()
 *
 * Returns: (transfer full): the problems as one message, for a toast or
 *   the command line
 */
char *
fw_field_problems_to_string (GPtrArray *problems)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < problems->len; i++)
    {
      FwFieldProblem *problem = g_ptr_array_index (problems, i);

      if (text->len > 0)
        g_string_append (text, "; ");
      g_string_append (text, problem->message);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}
