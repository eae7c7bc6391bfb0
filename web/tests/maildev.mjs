// The shop's emails as MailDev received them (its REST API), for the browser scripts.

/** The newest email to `to` whose subject contains `subject`; polls 30 s. */
export async function mailed(maildev, to, subject) {
  for (let i = 0; i < 60; i++) {
    const mails = await (await fetch(`${maildev}/email`)).json();
    const found = mails.reverse().find((m) => m.to?.some((t) => t.address === to) && m.subject?.includes(subject));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no email to ${to} about "${subject}" in ${maildev}`);
}

/** The link to `path` (/verify-email, /reset-password) in the newest email to `to`; polls 30 s. */
export async function mailedLink(maildev, to, path) {
  for (let i = 0; i < 60; i++) {
    const mails = await (await fetch(`${maildev}/email`)).json();
    for (const m of mails.reverse()) {
      if (!m.to?.some((t) => t.address === to)) continue;
      const found = new RegExp(`\\S*${path}\\?token=[\\w-]+`).exec(m.text ?? "");
      if (found) return found[0];
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no email to ${to} with a ${path} link in ${maildev}`);
}
