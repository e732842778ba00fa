// The pull-request pictures, checked by mermaid's own parser and the diagram models it builds
// (what GitHub's renderer draws), not by string matching.

import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { creationMinutes } from "../../estimates/schedule";
import { diffPlans } from "../../plan/diff";
import { MAX_DIFF_ROWS, costPie, criticalPathGantt, mermaidText, renderMarkdown } from "../../plan/markdown";
import type { PlanDocument } from "../../plan/record";
import { planJson, runPlan } from "../helpers/plan";

interface GanttTask {
  readonly id: string;
  readonly task: string;
  readonly startTime: Date;
  readonly endTime: Date;
}
interface Mermaid {
  parse(text: string): Promise<unknown>;
  mermaidAPI: { getDiagramFromText(text: string): Promise<{ db: { getTasks?(): GanttTask[]; getSections?(): Map<string, number>; getDiagramTitle?(): string } }> };
}

let mermaid: Mermaid;
before(async () => {
  // mermaid sanitises labels with DOMPurify, which needs a DOM: linkedom's is enough to parse
  // (rendering, which needs layout, is GitHub's job).
  const { parseHTML } = await import("linkedom");
  const { window } = parseHTML("<!doctype html><html><body></body></html>");
  Object.assign(globalThis, { window, document: window.document });
  mermaid = (await import("mermaid")).default as unknown as Mermaid;
});

/** The diagram model mermaid builds from the text (it throws on a syntax error). */
async function model(text: string) {
  await mermaid.parse(text);
  return (await mermaid.mermaidAPI.getDiagramFromText(text)).db;
}

const cloudStacks = ["dev", "gcp-dev", "prod", "gcp-prod"];

describe("plan --markdown: mermaid pictures", () => {
  it("mermaid rejects a broken pie and a task without a duration (so the checks below can fail)", async () => {
    await assert.rejects(mermaid.parse('pie\n    "a" : x\n'));
    await assert.rejects(model("gantt\n    dateFormat X\n    section s\n    a :t0, after nothing\n").then((db) => db.getTasks!()));
  });

  for (const stack of cloudStacks) {
    it(`${stack}: the pie has one slice per cost line, with its amount`, async () => {
      const doc = planJson(stack);
      const db = await model(costPie(doc));
      const positive = doc.cost.lines.filter((l) => l.monthly > 0);
      assert.deepEqual([...db.getSections!().entries()], positive.map((l) => [mermaidText(l.item), Math.round(l.monthly * 100) / 100]));
      const credits = doc.cost.lines.filter((l) => l.monthly < 0);
      assert.match(db.getDiagramTitle!(), credits.length > 0 ? /before \$\d+\.\d\d of credits/ : /per month$/);
    });

    it(`${stack}: the Gantt is the critical path, each step after the one before, lasting its estimate`, async () => {
      const doc = planJson(stack);
      const tasks = (await model(criticalPathGantt(doc))).getTasks!();
      assert.equal(tasks.length, doc.schedule.path.length);
      const byUrn = new Map(doc.resources.map((r) => [r.urn, r]));
      tasks.forEach((t, i) => {
        const r = byUrn.get(doc.schedule.path[i]!)!;
        assert.match(t.task, new RegExp(`^${r.name} `));
        assert.equal((t.endTime.getTime() - t.startTime.getTime()) / 1000, Math.max(1, Math.round(creationMinutes(r) * 60)), t.task);
        if (i > 0) assert.equal(t.startTime.getTime(), tasks[i - 1]!.endTime.getTime(), `${t.task} starts when ${tasks[i - 1]!.task} ends`);
      });
      const totalMinutes = (tasks.at(-1)!.endTime.getTime() - tasks[0]!.startTime.getTime()) / 60000;
      assert.ok(Math.abs(totalMinutes - doc.schedule.criticalPathMinutes) < 0.1 * tasks.length, `${totalMinutes} vs ${doc.schedule.criticalPathMinutes}`);
    });
  }

  it("labels that would break the syntax are made safe", async () => {
    const doc = planJson("dev");
    const nasty = { ...doc, cost: { ...doc.cost, lines: [{ item: 'NLB "public": per AZ; #1\nsecond line', quantity: 1, unit: "lb", monthly: 5, category: "load-balancer" as const }] } };
    const db = await model(costPie(nasty));
    assert.deepEqual([...db.getSections!().keys()], ["NLB 'public' per AZ 1 second line"]);
  });

  it("the Markdown section has the headline, the diff table and both diagrams; a long diff is cut", () => {
    const doc = planJson("dev");
    const empty: PlanDocument = { ...doc, resources: [], cost: { ...doc.cost, monthly: 0 } };
    const md = renderMarkdown(doc, diffPlans(empty, doc));
    assert.match(md, /^### Offline plan: `dev`/);
    assert.match(md, /\*\*Cost\*\* \$\d+\.\d\d\/month \(\+\$\d+\.\d\d against the base\)/);
    assert.match(md, new RegExp(`\\*\\*Diff\\*\\* ${doc.resources.length} to add, 0 to remove, 0 to change`));
    assert.equal(md.match(/^\| \+ \|/gm)!.length, MAX_DIFF_ROWS);
    assert.match(md, new RegExp(`and ${doc.resources.length - MAX_DIFF_ROWS} more`));
    assert.equal(md.match(/^```mermaid$/gm)!.length, 2);
    assert.match(renderMarkdown(doc, diffPlans(doc, doc)), /No resource changes against the base branch\./);
    assert.match(renderMarkdown(doc, undefined), /No diff: no base plan was given\./);
  });

  it("npm run plan -- <stack> --markdown prints it; --json and --markdown together are refused", () => {
    const r = runPlan(["gcp-dev", "--markdown"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^### Offline plan: `gcp-dev`/);
    assert.match(r.stdout, /```mermaid\npie showData/);
    assert.match(r.stdout, /```mermaid\ngantt/);
    assert.equal(runPlan(["gcp-dev", "--markdown", "--json"]).code, 1);
  });
});
