import { notifications } from '@mantine/notifications';
import { errorMessage } from '../api/errors';

export const notifySaved = (message: string) => notifications.show({ color: 'green', message });
export const notifyError = (err: unknown) => notifications.show({ color: 'red', title: 'Request failed', message: errorMessage(err) });
