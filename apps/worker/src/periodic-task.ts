import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';

/**
 * Runs `run()` at start and then every `intervalMs`; runs never overlap within a process. Overlap between replicas
 * is each task's own business (SKIP LOCKED, advisory locks, conditional updates).
 */
export abstract class PeriodicTask implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private running: Promise<void> | null = null;

  protected constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly name: string,
    private readonly intervalMs: number,
  ) {}

  protected abstract run(): Promise<unknown>;

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(this.name, setInterval(() => this.tick(), this.intervalMs));
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', this.name)) this.scheduler.deleteInterval(this.name);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.run()
      .then(() => undefined)
      .catch((error: Error) => this.logger.error({ err: error }, `${this.name} failed; will retry`))
      .finally(() => {
        this.running = null;
      });
  }
}
