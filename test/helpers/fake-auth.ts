// A fixed access token: Google clients pointed at a local fake never reach Google's auth servers.
import { GoogleAuth, OAuth2Client } from 'google-auth-library';

export function fakeAuth(projectId: string): GoogleAuth {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3_600_000 });
  return new GoogleAuth({ authClient: client, projectId });
}
