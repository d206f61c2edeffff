/* fw-sim-fault.c — reading the faults a simulator run is asked to inject
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fault is written KIND:TARGET[@START[..END]], for example
 * "oxygen-crash:Pond 4@-2d" or "stuck:Tank A1/ph@+30m..+6h". START and END
 * are durations from the simulator's start; a missing START is the start
 * itself and a missing END never comes.
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "fw-sim-fault.h"
#include "fw-sim.h"

G_DEFINE_BOXED_TYPE (FwSimFault, fw_sim_fault, fw_sim_fault_copy, fw_sim_fault_free)

static const char * const kind_ids[] = {
  [FW_SIM_FAULT_OXYGEN_CRASH] = "oxygen-crash",
  [FW_SIM_FAULT_SILENT] = "silent",
  [FW_SIM_FAULT_STUCK] = "stuck",
  [FW_SIM_FAULT_SPIKES] = "spikes",
};

/* Short names that people type, beside the wire ids of fw-parameter.c. */
static const struct
{
  const char  *alias;
  FwParameter  parameter;
} parameter_aliases[] = {
  { "do", FW_PARAMETER_DISSOLVED_OXYGEN },
  { "oxygen", FW_PARAMETER_DISSOLVED_OXYGEN },
  { "temp", FW_PARAMETER_TEMPERATURE },
  { "tan", FW_PARAMETER_TOTAL_AMMONIA },
  { "ammonia", FW_PARAMETER_TOTAL_AMMONIA },
};

static gboolean
parse_parameter (const char  *text,
                 FwParameter *parameter)
{
  if (fw_parameter_from_id (text, parameter))
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (parameter_aliases); i++)
    {
      if (g_ascii_strcasecmp (parameter_aliases[i].alias, text) == 0)
        {
          *parameter = parameter_aliases[i].parameter;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * fw_sim_parse_duration:
 * @text: such as "90d", "6h", "15m", "30s", "1h30m", or a number of seconds
 * @allow_sign: whether "+2h" and "-6h" are accepted
 *
 * Returns: whether @text is a duration; if so, it is in @seconds
 */
gboolean
fw_sim_parse_duration (const char  *text,
                       gboolean     allow_sign,
                       gint64      *seconds,
                       GError     **error)
{
  const char *p = text;
  gint64 sign = 1;
  gint64 total = 0;
  gboolean had_unit = FALSE;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (seconds != NULL, FALSE);

  if (allow_sign && (*p == '+' || *p == '-'))
    sign = *p++ == '-' ? -1 : 1;

  if (*p == '\0')
    goto invalid;

  while (*p != '\0')
    {
      guint64 n;
      gint64 scale;
      char *end;

      if (!g_ascii_isdigit (*p))
        goto invalid;

      n = g_ascii_strtoull (p, &end, 10);
      p = end;

      switch (*p)
        {
        case 'd':
          scale = 86400;
          had_unit = TRUE;
          p++;
          break;
        case 'h':
          scale = 3600;
          had_unit = TRUE;
          p++;
          break;
        case 'm':
          scale = 60;
          had_unit = TRUE;
          p++;
          break;
        case 's':
          scale = 1;
          had_unit = TRUE;
          p++;
          break;
        case '\0':
          /* A bare number is seconds, but only on its own: "1h30" is
           * more likely a typo than 1 h 30 s. */
          if (had_unit)
            goto invalid;
          scale = 1;
          break;
        default:
          goto invalid;
        }

      /* A century is long enough for any simulated history. */
      if (n > (guint64) 36525 * 86400 / scale)
        goto invalid;

      total += (gint64) n * scale;
      if (total > (gint64) 36525 * 86400)
        goto invalid;
    }

  *seconds = sign * total;
  return TRUE;

invalid:
  g_set_error (error, FW_SIM_ERROR, FW_SIM_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a duration: write a number followed by d, h, m or s, "
                 "such as 90d or 1h30m"),
               text);
  return FALSE;
}

/**
 * fw_sim_fault_parse:
 * @text: KIND:TARGET[@START[..END]]
 *
 * Returns: (transfer full) (nullable): the fault, or %NULL with @error set
 */
FwSimFault *
fw_sim_fault_parse (const char  *text,
                    GError     **error)
{
  g_autoptr(FwSimFault) fault = NULL;
  g_autofree char *target = NULL;
  const char *colon, *at, *slash;
  gsize kind_len;
  gboolean found = FALSE;

  g_return_val_if_fail (text != NULL, NULL);

  fault = g_new0 (FwSimFault, 1);
  fault->start = 0;
  fault->end = FW_SIM_FAULT_OPEN_END;

  colon = strchr (text, ':');
  if (colon == NULL)
    {
      g_set_error (error, FW_SIM_ERROR, FW_SIM_ERROR_INVALID_ARGUMENT,
                   _("Fault “%s” has no target: write KIND:TARGET, such as silent:Pond 1/ph"),
                   text);
      return NULL;
    }

  kind_len = colon - text;
  for (guint i = 0; i < G_N_ELEMENTS (kind_ids); i++)
    {
      if (strlen (kind_ids[i]) == kind_len
          && g_ascii_strncasecmp (kind_ids[i], text, kind_len) == 0)
        {
          fault->kind = (FwSimFaultKind) i;
          found = TRUE;
        }
    }

  if (!found)
    {
      g_autofree char *kind = g_strndup (text, kind_len);

      g_set_error (error, FW_SIM_ERROR, FW_SIM_ERROR_INVALID_ARGUMENT,
                   _("Unknown fault “%s”: use oxygen-crash, silent, stuck or spikes"),
                   kind);
      return NULL;
    }

  /* Unit names may hold almost anything, times never hold an '@'. */
  at = strrchr (colon + 1, '@');
  target = at != NULL ? g_strndup (colon + 1, at - colon - 1) : g_strdup (colon + 1);
  g_strstrip (target);

  if (at != NULL)
    {
      const char *dots = strstr (at + 1, "..");
      g_autofree char *start = dots != NULL ? g_strndup (at + 1, dots - at - 1) : g_strdup (at + 1);

      if (*start != '\0' && !fw_sim_parse_duration (start, TRUE, &fault->start, error))
        return NULL;

      if (dots != NULL)
        {
          if (!fw_sim_parse_duration (dots + 2, TRUE, &fault->end, error))
            return NULL;

          if (fault->end <= fault->start)
            {
              g_set_error (error, FW_SIM_ERROR, FW_SIM_ERROR_INVALID_ARGUMENT,
                           _("Fault “%s” ends before it starts"), text);
              return NULL;
            }
        }
    }

  /* A parameter after the last slash narrows a unit down to one sensor;
   * anything else after a slash belongs to the name. */
  slash = strrchr (target, '/');
  if (slash != NULL && parse_parameter (slash + 1, &fault->parameter))
    {
      fault->has_parameter = TRUE;
      target[slash - target] = '\0';
      g_strstrip (target);
    }

  if (*target == '\0')
    {
      g_set_error (error, FW_SIM_ERROR, FW_SIM_ERROR_INVALID_ARGUMENT,
                   _("Fault “%s” names no unit or sensor"), text);
      return NULL;
    }

  fault->target = g_steal_pointer (&target);
  return g_steal_pointer (&fault);
}

FwSimFault *
fw_sim_fault_copy (const FwSimFault *fault)
{
  FwSimFault *copy;

  g_return_val_if_fail (fault != NULL, NULL);

  copy = g_memdup2 (fault, sizeof *fault);
  copy->target = g_strdup (fault->target);
  return copy;
}

void
fw_sim_fault_free (FwSimFault *fault)
{
  if (fault == NULL)
    return;

  g_free (fault->target);
  g_free (fault);
}

const char *
fw_sim_fault_kind_to_id (FwSimFaultKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_ids), NULL);

  return kind_ids[kind];
}
