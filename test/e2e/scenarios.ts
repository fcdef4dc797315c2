/**
 * Every end-to-end scenario, in the order `npm run test:e2e` runs them. To add one: write a
 * `Scenario` (see test/host/e2e.ts for the contract and the UI helpers) in its own
 * `test/e2e/<name>.e2e.ts` and list it here.
 */
import type { Scenario } from '../host/e2e';
import { endpointDownScenario, ghostTextAcceptScenario } from './ghostText.e2e';
import { partialAcceptScenario } from './partialAccept.e2e';
import { snoozeReloadScenario } from './snooze.e2e';
import { workbenchScenario } from './workbench.e2e';
import { reportScenario } from './report.e2e';
import { editLongProposalScenario, editSelectionScenario, editTracesScenario } from './editSelection.e2e';
import { localEngineScenario } from './localEngine.e2e';

export const SCENARIOS: readonly Scenario[] = [
  workbenchScenario,
  ghostTextAcceptScenario,
  endpointDownScenario,
  partialAcceptScenario,
  snoozeReloadScenario,
  editSelectionScenario,
  editTracesScenario,
  editLongProposalScenario,
  reportScenario,
  localEngineScenario,
];
