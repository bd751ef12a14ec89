import { useEffect, useState } from 'preact/hooks';
import {
  appConfig,
  type DemoUserEntry,
  demoUsers,
  finishHostedSignIn,
  type Session,
  signInLocal,
  startHostedSignIn,
} from '../auth.ts';
import { Notice, useFocusHeading } from '../components.tsx';
import { areaName, departmentName, roleName, t } from '../i18n.ts';
import { LanguageSwitch } from '../language-switch.tsx';
import { useLocation } from '../router.tsx';

/**
 * Locally: the demo staff, one per role in each area, each a button. Deployed: Cognito's
 * hosted sign-in, and back here with the authorization code.
 */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const { query } = useLocation();
  const heading = useFocusHeading('sign-in');
  const [users, setUsers] = useState<DemoUserEntry[]>([]);
  const [failed, setFailed] = useState(false);
  const hosted = appConfig().auth.kind === 'cognito';

  useEffect(() => {
    const code = query.get('code');
    const state = query.get('state');
    if (hosted && code && state) {
      void finishHostedSignIn(code, state).then((session) =>
        session ? onSignedIn(session) : setFailed(true),
      );
    } else if (!hosted) {
      void demoUsers().then(setUsers);
    }
  }, []);

  const signIn = async (username: string) => {
    const session = await signInLocal(username);
    if (session) onSignedIn(session);
    else setFailed(true);
  };

  return (
    <main id="main" class="sign-in">
      <div class="sign-in__bar">
        <span class="brand">{t('app.title')}</span>
        <LanguageSwitch />
      </div>
      <h1 ref={heading} tabIndex={-1}>
        {t('signIn.title')}
      </h1>
      {query.get('expired') ? <Notice kind="info">{t('signIn.expired')}</Notice> : null}
      {failed ? <Notice kind="error">{t('signIn.failed')}</Notice> : null}
      {hosted ? (
        <>
          <p>{t('signIn.hostedIntro')}</p>
          <button type="button" class="primary" onClick={() => void startHostedSignIn()}>
            {t('signIn.hosted')}
          </button>
        </>
      ) : (
        <>
          <p>{t('signIn.localIntro')}</p>
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('signIn.area')}</th>
                <th scope="col">{t('signIn.role')}</th>
                <th scope="col">{t('signIn.user')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.username}>
                  <td>{areaName(user.area)}</td>
                  <td>
                    {roleName(user.role)}
                    {user.department ? ` · ${departmentName(user.department)}` : ''}
                  </td>
                  <td>
                    <button
                      type="button"
                      class="link-button"
                      data-username={user.username}
                      aria-label={t('signIn.as', { user: user.username })}
                      onClick={() => void signIn(user.username)}
                    >
                      {user.name ? `${user.name} (${user.username})` : user.username}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
