import { Inject, Injectable } from '@nestjs/common';
import { Clock, InjectSettings, type RubricCode, type RubricDefinition, type Settings } from '@app/config';
import { CalendarRepository } from '@app/database';
import type { Actor } from '../actor.js';
import { BusinessService } from '../registry/business.service.js';
import { estimateQueue } from '../rotation/queue-position.js';
import { addWeeks, formatLocal, isoWeekOf, weeksBetween, weekStart } from '../time/iso-week.js';
import { RUBRIC_DEFINITIONS } from './rubric-definitions.js';

export interface QueueEntry {
  rubric: RubricCode;
  state: 'scheduled' | 'waiting' | 'not_eligible';
  isoWeek: string | null;
  position: number | null;
  waiting: number | null;
  /** For the owner, in Bahasa Indonesia. */
  message: string;
}

/** Where an owner's business stands in each rubric it applied for. */
@Injectable()
export class QueueService {
  constructor(
    private readonly registry: BusinessService,
    private readonly calendar: CalendarRepository,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
    @Inject(RUBRIC_DEFINITIONS) private readonly rubrics: ReadonlyMap<RubricCode, RubricDefinition>,
  ) {}

  async forBusiness(actor: Actor, businessId: string): Promise<QueueEntry[]> {
    const business = await this.registry.get(actor, businessId);
    const thisWeek = isoWeekOf(this.clock.now());
    const { facts, candidates, skips } = await this.calendar.readOnly(async (manager) => ({
      facts: await this.calendar.featureFacts(manager),
      candidates: await this.calendar.candidates(manager),
      skips: await this.calendar.skips(manager, Array.from({ length: 120 }, (_, i) => addWeeks(thisWeek, i))),
    }));
    return business.rubrics.map((rubric) => {
      const name = this.rubrics.get(rubric)?.name ?? rubric;
      const upcoming = facts.filter((f) => f.businessId === businessId && f.rubric === rubric && weeksBetween(thisWeek, f.isoWeek) >= 0).map((f) => f.isoWeek).sort()[0];
      if (upcoming) return { rubric, state: 'scheduled', isoWeek: upcoming, position: null, waiting: null, message: `Dijadwalkan tampil di ${name} minggu ${weekLabel(upcoming)}.` };
      const taken = new Set([...facts.filter((f) => f.rubric === rubric).map((f) => f.isoWeek), ...skips.filter((s) => s.rubric === rubric).map((s) => s.isoWeek)]);
      let firstFree = addWeeks(thisWeek, 1);
      while (taken.has(firstFree)) firstFree = addWeeks(firstFree, 1);
      const estimate = estimateQueue(businessId, rubric, candidates.filter((c) => c.rubric === rubric), facts, firstFree, this.settings.calendar.cooldownWeeks);
      if (!estimate) {
        return { rubric, state: 'not_eligible', isoWeek: null, position: null, waiting: null, message: `Belum masuk antrean ${name}: usaha perlu disetujui staf dan punya foto.` };
      }
      const why = estimate.cooldownUntil ? ` (masa jeda setelah tampil terakhir berakhir ${weekLabel(estimate.cooldownUntil)})` : '';
      return {
        rubric,
        state: 'waiting',
        isoWeek: estimate.estimatedWeek,
        position: estimate.position,
        waiting: estimate.waiting,
        message: `Urutan ${estimate.position} dari ${estimate.waiting} di antrean ${name}; perkiraan tampil minggu ${weekLabel(estimate.estimatedWeek)}${why}. Perkiraan ini dapat bergeser.`,
      };
    });
  }
}

function weekLabel(isoWeek: string): string {
  return `${isoWeek} (mulai ${formatLocal(weekStart(isoWeek), 'd LLL yyyy')})`;
}
