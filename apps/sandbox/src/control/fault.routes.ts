import { type Response, Router } from 'express';
import { FAULT_ENDPOINTS, FAULT_KINDS, parseFaultRule } from '../faults/fault-rule.dto.js';
import { RuleFaultInjector } from '../faults/rule-fault-injector.js';
import type { SandboxContext } from '../sandbox.options.js';

/**
 * /__sandbox/faults: make the next N matching platform requests fail.
 * - `POST` `{ platform, endpoint, fault, times?, account?, retryAfterSeconds?, code?, subcode?, delayMs? }` → 201 `{ id }`;
 *   an unknown value or combination → 400 `{ problems }`, each naming its field. Vocabulary: `GET /faults/vocabulary`.
 * - `GET` → `{ faults: [{ id, platform, endpoint, fault, remaining, ... }] }` in the order they apply.
 * - `DELETE` → `{ cleared }`; `DELETE /faults/:id` removes one. POST /__sandbox/reset clears them too.
 */
export function faultRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const injector = ctx.faults instanceof RuleFaultInjector ? ctx.faults : null;
  // A sandbox started with its own FaultInjector (options.faults) is not configured through this API.
  const withRules = (res: Response, use: (rules: RuleFaultInjector) => void): void => {
    if (injector === null) res.status(409).json({ problems: ['this sandbox was started with its own FaultInjector; rules cannot be set here'] });
    else use(injector);
  };

  router.get('/faults/vocabulary', (_req, res) => {
    res.json({ endpoints: FAULT_ENDPOINTS, faults: FAULT_KINDS });
  });

  router.post('/faults', (req, res) =>
    withRules(res, (rules) => {
      const parsed = parseFaultRule(req.body);
      if (!parsed.ok) return void res.status(400).json({ problems: parsed.problems });
      res.status(201).json({ id: rules.add(parsed.rule).id });
    }),
  );

  router.get('/faults', (_req, res) => withRules(res, (rules) => void res.json({ faults: rules.list() })));

  router.delete('/faults', (_req, res) => withRules(res, (rules) => void res.json({ cleared: rules.clear() })));

  router.delete('/faults/:id', (req, res) =>
    withRules(res, (rules) => {
      if (rules.remove(String(req.params.id))) res.json({ cleared: 1 });
      else res.status(404).json({ problems: [`no active fault ${String(req.params.id)}`] });
    }),
  );

  return router;
}
