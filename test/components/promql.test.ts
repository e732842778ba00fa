// Every PromQL expression the program ships — the app's alert rules (with and without the backup
// watch) and every dashboard panel query — parses with Prometheus's own grammar
// (@prometheus-io/lezer-promql, the parser behind Prometheus's query editor). A syntax error would
// otherwise show only on a real cluster: the operator rejects the PrometheusRule (or Prometheus
// drops the group) and a panel shows "parse error".

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parser } from "@prometheus-io/lezer-promql";
import { DASHBOARD_FILES, dashboardJson } from "../../components/monitoring";
import { alertRules } from "../../components/monitoring/rules";

/** The text of each error node in the parse of `expr` (none: the expression is valid PromQL). */
function syntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}: "${expr.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
    },
  });
  return errors;
}

/** Every `expr` in a dashboard's panels (and their targets), however deeply nested. */
function dashboardExprs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) dashboardExprs(v, out);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "expr" && typeof v === "string") out.push(v);
      else dashboardExprs(v, out);
    }
  }
  return out;
}

describe("PromQL", () => {
  it("the grammar check finds real mistakes", () => {
    assert.deepEqual(syntaxErrors('sum by (namespace) (rate(http_requests_total{job="vote"}[5m])) > 0'), []);
    assert.notDeepEqual(syntaxErrors("sum(rate(http_requests_total[5m])"), [], "unbalanced parenthesis");
    assert.notDeepEqual(syntaxErrors('up{job="vote"} >'), [], "binary operator without right-hand side");
    assert.notDeepEqual(syntaxErrors("rate(x[5m]) unless on(a"), [], "unclosed matching clause");
  });

  it("every alert rule parses, with and without the backup watch", () => {
    const groups = [...alertRules("voting"), ...alertRules("voting", { cronJob: "postgres-backup", maxAgeHours: 37 })];
    const rules = groups.flatMap((g) => g.rules);
    assert.ok(rules.some((r) => r.alert === "VotingBackupMissing"), "the backup alert is among those checked");
    assert.ok(rules.length >= 8, `${rules.length} rules`);
    for (const r of rules) assert.deepEqual(syntaxErrors(r.expr), [], `${r.alert}: ${r.expr}`);
  });

  it("every dashboard query parses", () => {
    let count = 0;
    for (const file of DASHBOARD_FILES) {
      const exprs = dashboardExprs(JSON.parse(dashboardJson(file, "voting")));
      assert.ok(exprs.length > 0, `${file} has queries`);
      for (const e of exprs) assert.deepEqual(syntaxErrors(e), [], `${file}: ${e}`);
      count += exprs.length;
    }
    assert.ok(count >= 10, `${count} queries`);
  });
});
