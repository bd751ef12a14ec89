import { useEffect, useState } from 'preact/hooks';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { Notice, useFocusHeading } from '../components.tsx';
import { areaName, formatBusinessMinutes, formatDateTime, stepName, t, timeLeft } from '../i18n.ts';
import { Link } from '../router.tsx';

export interface TaskItem {
  readonly id: string;
  readonly ref: string;
  readonly step: string;
  /** The step's clock is paused (domain/pause.ts): why, and until when. */
  readonly paused?: { readonly reason: string; readonly until?: string; readonly note?: string };
  readonly role: string;
  readonly area: string;
  readonly dueAt: string;
  readonly overdue: boolean;
  readonly businessMinutesLeft: number;
  readonly late?: { step: string; level: string };
  /** Once overdue: since when (a ladder level's missed step's deadline), and how late in business time. */
  readonly overdueFrom?: string;
  readonly businessMinutesLate?: number;
  /** What the row shows of the complaint (GET /api/tasks `complaint`). */
  readonly complaint?: {
    readonly ownerName: string;
    readonly building?: string;
    readonly unit?: string;
    readonly summary: string;
    readonly repeat?: boolean;
    readonly cluster?: boolean;
  };
}

/**
 * How late an overdue task is, as its badge says it: business time since the step's deadline
 * (`逾期 3 個工作天`, `3 working days late`), just "overdue" while no working time has passed.
 */
function lateBadge(task: TaskItem): string {
  return task.businessMinutesLate
    ? t('tasks.lateBy', { time: formatBusinessMinutes(task.businessMinutesLate) })
    : t('tasks.overdue');
}

/** The time left: of the step, or of a ladder level whose own deadline is still to come. */
function timeLeftOf(task: TaskItem): string {
  // A paused step's clock stands still: it says so, and until when it waits.
  if (task.paused) {
    return task.paused.until
      ? t('pause.until', { at: formatDateTime(task.paused.until) })
      : t('pause.untilEvent');
  }
  if (!task.overdue) return timeLeft(task.businessMinutesLeft);
  return task.businessMinutesLeft > 0
    ? t('tasks.levelLeft', { time: timeLeft(task.businessMinutesLeft) })
    : '';
}

/** The signed-in member's open tasks (their role, their area), overdue first; one click into each. */
export function MyTasks({ session }: { session: Session }) {
  const heading = useFocusHeading('tasks');
  const [tasks, setTasks] = useState<TaskItem[] | undefined>();
  const [error, setError] = useState<ApiError | undefined>();

  const load = () =>
    api<{ items: TaskItem[] }>('GET', '/api/tasks').then(
      (answer) => {
        setTasks(answer.items);
        setError(undefined);
      },
      (e: ApiError) => setError(e),
    );
  useEffect(() => {
    void load();
    // Back from the phone or another tab: show what changed meanwhile.
    const onFocus = () => void load();
    addEventListener('focus', onFocus);
    return () => removeEventListener('focus', onFocus);
  }, [session.username]);

  useEffect(() => {
    if (tasks) {
      // For the first-paint benchmark: the list is on screen once this frame is painted.
      requestAnimationFrame(() => performance.mark('tasks-painted'));
    }
  }, [tasks !== undefined]);

  return (
    <section>
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {t('tasks.title')}
        </h1>
        <button type="button" onClick={() => void load()}>
          {t('app.refresh')}
        </button>
      </div>
      <p class="lead">{t('tasks.intro')}</p>
      {error ? <Notice kind="error">{t(error.status === 0 ? 'error.network' : 'app.error')}</Notice> : null}
      {!tasks && !error ? <p>{t('app.loading')}</p> : null}
      {tasks && tasks.length === 0 ? <p data-testid="no-tasks">{t('tasks.empty')}</p> : null}
      {tasks && tasks.length > 0 ? (
        <table class="table tasks" data-testid="tasks">
          <caption class="visually-hidden">{t('tasks.count', { n: tasks.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('tasks.ref')}</th>
              <th scope="col">{t('tasks.owner')}</th>
              <th scope="col">{t('tasks.summary')}</th>
              <th scope="col">{t('tasks.step')}</th>
              <th scope="col">{t('tasks.due')}</th>
              <th scope="col">{t('tasks.left')}</th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((task) => (
              <tr key={task.id} class={task.overdue ? 'overdue' : undefined} data-ref={task.ref}>
                <td>
                  <Link
                    href={`/complaints/${encodeURIComponent(task.ref)}`}
                    aria-label={t('tasks.open', { ref: task.ref })}
                  >
                    {task.ref}
                  </Link>
                </td>
                <td data-column="owner">
                  {task.complaint?.ownerName ?? ''}
                  <span class="sub">
                    {[areaName(task.area), task.complaint?.building, task.complaint?.unit]
                      .filter(Boolean)
                      .join(' ')}
                  </span>
                </td>
                <td data-column="summary" class="task-summary" title={task.complaint?.summary}>
                  {task.complaint?.repeat ? (
                    <span class="badge badge--overdue" data-testid="task-repeat">
                      {t('related.repeatBadge')}
                    </span>
                  ) : null}
                  {task.complaint?.cluster ? (
                    <span class="badge badge--overdue" data-testid="task-cluster">
                      {t('related.clusterBadge')}
                    </span>
                  ) : null}
                  {task.complaint?.repeat || task.complaint?.cluster ? ' ' : null}
                  {task.complaint?.summary ?? ''}
                </td>
                <td>
                  {stepName(task.step)}
                  {task.late ? (
                    <span class="sub">{t('tasks.late', { step: stepName(task.late.step) })}</span>
                  ) : null}
                </td>
                <td data-column="due">{formatDateTime(task.dueAt)}</td>
                <td data-column="left">
                  {task.paused ? (
                    <span class="badge" data-testid="task-paused">
                      {t('pause.pausedBadge')}
                    </span>
                  ) : null}
                  {task.overdue ? <span class="badge badge--overdue">{lateBadge(task)}</span> : null}{' '}
                  {timeLeftOf(task)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
