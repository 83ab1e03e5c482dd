import { AppShell, Badge, Burger, Center, Group, Loader, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { NavLink as RouterLink, Outlet, useNavigate } from 'react-router';
import { allowed, logout } from '../auth/session';
import { useIdentity } from '../auth/useSession';
import { SwitchOrgModal } from '../pages/auth/SwitchOrgModal';
import { navEntries } from '../routes';

export function Layout() {
  const [opened, { toggle }] = useDisclosure();
  const [switching, switcher] = useDisclosure(false);
  const identity = useIdentity();
  const navigate = useNavigate();
  if (!identity) return null;
  const signOut = async () => {
    await logout();
    void navigate('/login');
  };
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={700}>Converse</Text>
          </Group>
          <Menu position="bottom-end" width={240}>
            <Menu.Target>
              <UnstyledButton data-testid="account-menu">
                <Group gap="xs">
                  <Text size="sm" data-testid="current-org">{identity.organization.name}</Text>
                  <Badge variant="light" data-testid="current-role">{identity.role}</Badge>
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{identity.user.email}</Menu.Label>
              <Menu.Item onClick={switcher.open}>Switch organization</Menu.Item>
              <Menu.Item color="red" onClick={() => void signOut()}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        {navEntries.filter((e) => !e.permission || allowed(e.permission)).map((e) => (
          <NavLink key={e.path} component={RouterLink} to={`/${e.path}`} label={e.label} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        {/* Pages are loaded on first visit (routes.tsx): the shell stays while one arrives. */}
        <Suspense
          fallback={
            <Center py="xl">
              <Loader aria-label="Loading page" />
            </Center>
          }
        >
          <Outlet />
        </Suspense>
      </AppShell.Main>
      <SwitchOrgModal opened={switching} onClose={switcher.close} />
    </AppShell>
  );
}
