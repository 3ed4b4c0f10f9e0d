import { Link } from './components';
import { match, useLocation } from './router';
import { BadEventPage } from './pages/bad-event';
import { BadEventsPage } from './pages/bad-events';
import { GoodEventsPage } from './pages/good-events';
import { PlaygroundPage } from './pages/playground';
import { RegisterPage } from './pages/register';
import { SubjectPage } from './pages/subject';
import { SubjectsPage } from './pages/subjects';

const sections = [
  { to: '/subjects', label: 'Subjects' },
  { to: '/register', label: 'Register' },
  { to: '/playground', label: 'Playground' },
  { to: '/bad-events', label: 'Bad events' },
  { to: '/good-events', label: 'Good events' },
];

function Page(props: { path: string; search: URLSearchParams }) {
  const { path } = props;
  let params: Record<string, string> | undefined;
  if (path === '/' || path === '/subjects') return <SubjectsPage />;
  if ((params = match('/subjects/:subject', path)))
    return <SubjectPage subject={params.subject as string} />;
  if (path === '/register')
    return <RegisterPage subject={props.search.get('subject') ?? undefined} />;
  if (path === '/playground') return <PlaygroundPage />;
  if (path === '/bad-events') return <BadEventsPage />;
  if ((params = match('/bad-events/:id', path))) return <BadEventPage id={params.id as string} />;
  if (path === '/good-events') return <GoodEventsPage />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page at {path}. <Link to="/subjects">Go to the subjects</Link>.
      </p>
    </section>
  );
}

/** The console: a header with the sections and the current page. */
export function App() {
  const { path, search } = useLocation();
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <p class="brand">Sift console</p>
        <nav aria-label="Sections">
          <ul>
            {sections.map((section) => (
              <li key={section.to}>
                <Link to={section.to} class={path.startsWith(section.to) ? 'current' : undefined}>
                  {section.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Page key={path} path={path} search={search} />
      </main>
    </>
  );
}
