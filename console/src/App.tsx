import { Center, createTheme, darken, defaultVariantColorsResolver, Loader, MantineProvider, parseThemeColor, type CSSVariablesResolver, type VariantColorsResolver } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router';
import { ApiError } from './api/errors';
import { allowed, currentIdentity, refreshSession, subscribe } from './auth/session';
import { useIdentity } from './auth/useSession';
import { Layout } from './components/Layout';
import { AcceptInvitePage } from './pages/auth/AcceptInvitePage';
import { LoginPage } from './pages/auth/LoginPage';
import { SignupPage } from './pages/auth/SignupPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { navEntries, pages } from './routes';

const queryClient = new QueryClient({
  defaultOptions: {
    // A 4xx will not change by asking again; a dropped connection might.
    queries: { retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2, staleTime: 5_000 },
  },
});

// Cached server state belongs to one user in one organization: drop all of it whenever that changes
// (sign-out, switching organization, an expired session followed by someone else signing in).
let cacheOwner = '';
subscribe(() => {
  const id = currentIdentity();
  const owner = id ? `${id.user.id}:${id.organization.id}` : '';
  if (owner !== cacheOwner) queryClient.clear();
  cacheOwner = owner;
});

// Darker primary and dimmed text than Mantine's defaults: WCAG AA contrast (4.5:1) for button labels,
// links and descriptions (test/console/accessibility.browser.test.ts runs axe on every main page).
// Light variants (badges, alerts) get darkened text on their tinted background for the same reason.
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({ color: input.color ?? input.theme.primaryColor, theme: input.theme });
  if (input.variant !== 'light' || !parsed.isThemeColor) return colors;
  return { ...colors, color: darken(input.theme.colors[parsed.color]![9], 0.25) };
};
const theme = createTheme({ primaryShade: 8, variantColorResolver });
const contrast: CSSVariablesResolver = () => ({ variables: {}, light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' }, dark: {} });

function RequireAuth({ children }: { children: React.ReactNode }) {
  const identity = useIdentity();
  const location = useLocation();
  if (!identity) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return children;
}

/** `/` opens the first screen the role may use (a support agent has no Agents page: the queue). */
function Home() {
  const first = navEntries.find((e) => !e.permission || allowed(e.permission));
  return <Navigate to={`/${first?.path ?? 'agents'}`} replace />;
}

const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/signup', element: <SignupPage /> },
  { path: '/accept-invite', element: <AcceptInvitePage /> },
  {
    path: '/',
    element: (
      <RequireAuth>
        <Layout />
      </RequireAuth>
    ),
    children: [{ index: true, element: <Home /> }, ...pages.map((p) => ({ path: p.path, element: p.element })), { path: '*', element: <NotFoundPage /> }],
  },
]);

export function App() {
  // A reload keeps the session: the refresh token in sessionStorage buys a fresh access token first.
  const [booting, setBooting] = useState(true);
  useEffect(() => {
    void refreshSession().finally(() => setBooting(false));
  }, []);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={contrast} defaultColorScheme="light">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        {booting ? (
          <Center h="100vh">
            <Loader aria-label="Loading" />
          </Center>
        ) : (
          <RouterProvider router={router} />
        )}
      </QueryClientProvider>
    </MantineProvider>
  );
}
