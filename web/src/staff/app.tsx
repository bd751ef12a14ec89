import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { isMailReviewer, mayListRectification, mayLogComplaints, mayReadReports } from '#domain/access.ts';
import { whenSignedOut } from '../api.ts';
import { currentSession, type Session, signOut } from '../auth.ts';
import { areaName, departmentName, onLangChange, rememberedLang, roleName, setLang, t } from '../i18n.ts';
import { LanguageSwitch } from '../language-switch.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { ComplaintPage } from './complaint.tsx';
import { ComplaintList } from './complaints.tsx';
import { DirectoryPage, EstatePage } from './directory.tsx';
import { DirectoryImportPage } from './directory-import.tsx';
import { dt } from './directory-text.ts';
import { Form17 } from './form17.tsx';
import { MailLog, MailMessagePage } from './mail.tsx';
import { NewComplaint } from './new-complaint.tsx';
import { RectificationPage, ReportPage, ReportsPage, reportNav } from './reports.tsx';
import { SignIn } from './sign-in.tsx';
import { MyTasks } from './tasks.tsx';
import { UnitPage } from './unit.tsx';

export function mount(root: HTMLElement) {
  setLang(rememberedLang(currentSession()?.username));
  render(<App />, root);
}

function App() {
  const location = useLocation();
  const [session, setSession] = useState<Session | undefined>(currentSession);
  const [, setRenders] = useState(0);
  useEffect(() => onLangChange(() => setRenders((n) => n + 1)), []);
  useEffect(() => {
    // The session ended for good: sign in again, then back to this very page (query and all).
    whenSignedOut(() => {
      setSession(undefined);
      if (window.location.pathname === '/sign-in') return;
      const here = `${window.location.pathname}${window.location.search}`;
      navigate(`/sign-in?expired=1&next=${encodeURIComponent(here)}`, { replace: true });
    });
  }, []);

  const path = location.path;
  if (path === '/sign-in') {
    return (
      <SignIn
        onSignedIn={(signedIn) => {
          setSession(signedIn);
          setLang(rememberedLang(signedIn.username));
          const next = location.query.get('next');
          navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/tasks', { replace: true });
        }}
      />
    );
  }
  if (!session) {
    queueMicrotask(() => navigate(`/sign-in?next=${encodeURIComponent(path)}`, { replace: true }));
    return null;
  }
  if (path === '/') {
    queueMicrotask(() => navigate('/tasks', { replace: true }));
    return null;
  }

  // Task notices link to /tasks/<task id>; a task id is `<ref>.<suffix>`.
  const taskLink = /^\/tasks\/([^/]+)\.[^./]+$/.exec(path);
  if (taskLink?.[1]) {
    queueMicrotask(() => navigate(`/complaints/${taskLink[1]}`, { replace: true }));
    return null;
  }
  const ref = /^\/complaints\/([^/]+)(\/form17)?$/.exec(path);
  let page = <p>{t('app.notFound')}</p>;
  if (path === '/tasks') page = <MyTasks session={session} />;
  else if (path === '/complaints/new') page = <NewComplaint session={session} />;
  else if (path === '/complaints') page = <ComplaintList session={session} query={location.query} />;
  else if (ref?.[1] && ref[2]) page = <Form17 complaintRef={decodeURIComponent(ref[1])} />;
  else if (ref?.[1]) page = <ComplaintPage session={session} complaintRef={decodeURIComponent(ref[1])} />;
  const report = /^\/reports\/([^/]+)$/.exec(path);
  if (path === '/reports') page = <ReportsPage session={session} />;
  else if (report?.[1]) page = <ReportPage session={session} id={decodeURIComponent(report[1])} />;
  else if (path === '/rectifications') page = <RectificationPage session={session} />;
  const mailId = /^\/mail\/([^/]+)$/.exec(path);
  if (path === '/mail') page = <MailLog query={location.query} />;
  else if (mailId?.[1]) page = <MailMessagePage session={session} id={decodeURIComponent(mailId[1])} />;
  const directory = /^\/directory\/(estates|units)\/([^/]+)$/.exec(path);
  if (path === '/directory') page = <DirectoryPage session={session} query={location.query} />;
  else if (path === '/directory/import') page = <DirectoryImportPage session={session} />;
  else if (directory?.[1] === 'estates' && directory[2])
    page = <EstatePage id={decodeURIComponent(directory[2])} query={location.query} />;
  else if (directory?.[2]) page = <UnitPage session={session} id={decodeURIComponent(directory[2])} />;

  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <span class="brand">{t('app.title')}</span>
        <nav aria-label={t('app.title')}>
          <Link href="/tasks" aria-current={path === '/tasks' ? 'page' : undefined}>
            {t('nav.tasks')}
          </Link>
          {mayLogComplaints(session) ? (
            <Link href="/complaints/new" aria-current={path === '/complaints/new' ? 'page' : undefined}>
              {t('nav.new')}
            </Link>
          ) : null}
          <Link href="/complaints" aria-current={path === '/complaints' ? 'page' : undefined}>
            {t('nav.complaints')}
          </Link>
          <Link href="/directory" aria-current={path.startsWith('/directory') ? 'page' : undefined}>
            {dt('nav.directory')}
          </Link>
          {isMailReviewer(session) ? (
            <Link href="/mail" aria-current={path.startsWith('/mail') ? 'page' : undefined}>
              {t('nav.mail')}
            </Link>
          ) : null}
          {mayReadReports(session) ? (
            <Link href="/reports" aria-current={path.startsWith('/reports') ? 'page' : undefined}>
              {reportNav('nav.reports')}
            </Link>
          ) : null}
          {mayListRectification(session) ? (
            <Link href="/rectifications" aria-current={path === '/rectifications' ? 'page' : undefined}>
              {reportNav('nav.rectification')}
            </Link>
          ) : null}
        </nav>
        <span class="who" data-testid="who">
          {t('nav.signedInAs', {
            user: session.name,
            role: session.department
              ? `${roleName(session.role)} · ${departmentName(session.department)}`
              : roleName(session.role),
            area: areaName(session.area),
          })}
        </span>
        <LanguageSwitch rememberFor={session.username} />
        <button
          type="button"
          class="link-button"
          onClick={() => {
            void signOut();
            setSession(undefined);
            navigate('/sign-in', { replace: true });
          }}
        >
          {t('nav.signOut')}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
