import { useEffect, useState } from 'preact/hooks';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { Notice, useFocusHeading } from '../components.tsx';
import { areaName, formatDateTime, stepName, t, timeLeft } from '../i18n.ts';
import { Link } from '../router.tsx';

export interface TaskItem {
  readonly id: string;
  readonly ref: string;
  readonly step: string;
  readonly role: string;
  readonly area: string;
  readonly dueAt: string;
  readonly overdue: boolean;
  readonly businessMinutesLeft: number;
  readonly late?: { step: string; level: string };
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
              <th scope="col">{t('tasks.step')}</th>
              <th scope="col">{t('tasks.area')}</th>
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
                <td>
                  {stepName(task.step)}
                  {task.late ? (
                    <span class="sub">{t('tasks.late', { step: stepName(task.late.step) })}</span>
                  ) : null}
                </td>
                <td>{areaName(task.area)}</td>
                <td>{formatDateTime(task.dueAt)}</td>
                <td>
                  {task.overdue ? <span class="badge badge--overdue">{t('tasks.overdue')}</span> : null}{' '}
                  {timeLeft(task.businessMinutesLeft)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
