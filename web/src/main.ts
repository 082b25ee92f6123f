// Entry point of the web explorer (see the web issue); for now it shows the service status.
async function main(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ system { version graphAvailable database } }' }),
  });
  const body = (await response.json()) as { data?: { system: { version: string; graphAvailable: boolean } } };
  const heading = document.createElement('h1');
  heading.textContent = 'Attribution Graph';
  const status = document.createElement('p');
  status.textContent = body.data
    ? `version ${body.data.system.version}; graph ${body.data.system.graphAvailable ? 'available' : 'unavailable'}`
    : 'API unavailable';
  root.replaceChildren(heading, status);
}

void main();
