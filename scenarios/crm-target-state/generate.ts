import type { GeneratorContext } from '../generator.js';

export default function generate({ rng }: GeneratorContext): Record<string, unknown> {
  const n = rng.int(8, 13);
  const threshold = rng.int(20, 60) * 100;
  const contacts = Array.from({ length: n }, (_, i) => {
    const name = `${rng.word(2)} ${rng.word(3)}`.replace(/\b\w/g, (c) => c.toUpperCase());
    return {
      id: i + 1,
      name,
      email: `${name.toLowerCase().replace(' ', '.')}@${rng.pick(['acme.io', 'example.org', 'mail.test'])}`,
      status: rng.pick(['active', 'active', 'active', 'spam', 'churned']),
      tier: rng.pick(['basic', 'basic', 'silver']),
      spend: rng.pick([0, rng.int(1, 99) * 100, threshold, threshold - 1, threshold + rng.int(1, 50) * 100]),
    };
  });
  // Every seed has at least one contact of each kind the rules touch.
  contacts[0]!.status = 'spam';
  contacts[1]!.status = 'active';
  contacts[1]!.spend = threshold + 500;
  contacts[2]!.status = 'churned';
  contacts[2]!.spend = threshold * 2;
  const newName = `${rng.word(2)} ${rng.word(2)}`.replace(/\b\w/g, (c) => c.toUpperCase());
  const newContact = { name: newName, email: `${newName.toLowerCase().replace(' ', '.')}@newco.test`, status: 'active', tier: 'basic', spend: 0 };
  const expected = [
    ...contacts
      .filter((c) => c.status !== 'spam')
      .map((c) => (c.status === 'active' && c.spend >= threshold ? { ...c, tier: 'gold' } : c)),
    { ...newContact },
  ];
  return {
    threshold,
    contacts: rng.shuffle(contacts),
    new_name: newContact.name,
    new_email: newContact.email,
    expected,
    remaining: expected.length,
    spam: contacts.filter((c) => c.status === 'spam').length,
  };
}
