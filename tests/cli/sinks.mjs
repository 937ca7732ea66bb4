// sinks.mjs - the outbox tests' receivers on loopback (tests/cli/notify.sh):
// an SMTP sink speaking enough SMTP for libcurl (EHLO/HELO, MAIL, RCPT,
// DATA, RSET, NOOP, QUIT; no STARTTLS offered) and a webhook receiver
// answering as a DingTalk/WeCom robot does.
//
//   node sinks.mjs DIR [SMTP_PORT [HTTP_PORT]]
//
// Port 0 (the default) picks one. It writes "SMTP_PORT HTTP_PORT" to
// DIR/ports once both listen, each message to DIR/mail-N.json ({from,
// to, data}) and each POST to DIR/post-N.json ({url, headers, body}).
// A POST to a path with /refuse in it gets errcode 310000 (as a robot
// refusing a bad sign), /broken an HTTP 500; any other errcode 0.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

const [dir, smtpPort = '0', httpPort = '0'] = process.argv.slice(2);
// numbered on from what an earlier run into DIR left (a receiver restarted)
let mails = fs.readdirSync(dir).filter((f) => f.startsWith('mail-')).length;
let posts = fs.readdirSync(dir).filter((f) => f.startsWith('post-')).length;

const smtp = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    let env = { from: '', to: [] };
    sock.write('220 sink ESMTP\r\n');
    sock.on('data', (chunk) => {
        buf += chunk.toString('latin1');
        for (;;) {
            if (inData) {
                const end = buf.indexOf('\r\n.\r\n');
                if (end < 0) return;
                const data = Buffer.from(buf.slice(0, end + 2), 'latin1').toString('utf8');
                buf = buf.slice(end + 5);
                inData = false;
                mails += 1;
                fs.writeFileSync(path.join(dir, `mail-${mails}.json`),
                    JSON.stringify({ ...env, data: data.replace(/^\.\./gm, '.') }));
                env = { from: '', to: [] };
                sock.write('250 queued\r\n');
                continue;
            }
            const eol = buf.indexOf('\r\n');
            if (eol < 0) return;
            const line = buf.slice(0, eol);
            buf = buf.slice(eol + 2);
            const verb = line.slice(0, 4).toUpperCase();
            if (verb === 'EHLO') sock.write('250-sink\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n');
            else if (verb === 'HELO') sock.write('250 sink\r\n');
            else if (verb === 'MAIL') { env.from = line.slice(10).trim(); sock.write('250 ok\r\n'); }
            else if (verb === 'RCPT') { env.to.push(line.slice(8).trim()); sock.write('250 ok\r\n'); }
            else if (verb === 'DATA') { inData = true; sock.write('354 go on\r\n'); }
            else if (verb === 'RSET' || verb === 'NOOP') sock.write('250 ok\r\n');
            else if (verb === 'QUIT') { sock.end('221 bye\r\n'); return; }
            else sock.write('502 not here\r\n');
        }
    });
    sock.on('error', () => {});
});

const web = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
        posts += 1;
        fs.writeFileSync(path.join(dir, `post-${posts}.json`), JSON.stringify({
            method: req.method, url: req.url, headers: req.headers,
            body: Buffer.concat(parts).toString('utf8'),
        }));
        if (req.url.includes('/broken')) {
            res.writeHead(500);
            res.end('broken');
            return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(req.url.includes('/refuse')
            ? { errcode: 310000, errmsg: 'sign not match' } : { errcode: 0, errmsg: 'ok' }));
    });
});

smtp.listen(Number(smtpPort), '127.0.0.1', () => {
    web.listen(Number(httpPort), '127.0.0.1', () => {
        fs.writeFileSync(path.join(dir, 'ports.tmp'),
            `${smtp.address().port} ${web.address().port}\n`);
        fs.renameSync(path.join(dir, 'ports.tmp'), path.join(dir, 'ports'));
    });
});
process.on('SIGTERM', () => process.exit(0));
