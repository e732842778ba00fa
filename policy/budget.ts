// Stack-level budget: the itemised monthly estimate (estimates/cost.ts, the same the plan prints)
// must stay within the stack's budget from its policy config.

import type { StackValidationPolicy } from "@pulumi/policy";
import { estimateCost } from "../estimates/cost";

export const monthlyBudget: StackValidationPolicy = {
  name: "stack-monthly-budget",
  description: "The stack's estimated monthly cost (list prices, nodes at their minimum, load balancers included) stays within its budget.",
  configSchema: { properties: { monthlyUsd: { type: "number", minimum: 0 } } },
  validateStack: (args, report) => {
    const { monthlyUsd } = args.getConfig<{ monthlyUsd?: number }>();
    if (monthlyUsd === undefined) return;
    const estimate = estimateCost(args.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.props })));
    if (estimate.monthly > monthlyUsd) {
      const top = [...estimate.lines].sort((a, b) => b.monthly - a.monthly).slice(0, 3).map((l) => `${l.item} $${l.monthly.toFixed(2)}`);
      report(`Estimated $${estimate.monthly.toFixed(2)}/month exceeds the budget of $${monthlyUsd.toFixed(2)} (largest: ${top.join("; ")}).`);
    }
  },
};
