/**
 * What customers and the support desk write, in French and English. Placeholders in braces are filled per
 * message ({srv}, {ip}, {ip2}, {ram}, {os}, {day}, {h1}, {h2}, {pw}, {user}, {disk}, {ticket}).
 */
import type { Lang } from './corpus-text.js';

export const GREETINGS: Record<Lang, readonly string[]> = {
  fr: ['Bonjour,', 'Bonjour à tous,', 'Bonsoir,', "Bonjour l'équipe support,", 'Madame, Monsieur,', 'Salut,'],
  en: ['Hello,', 'Hi,', 'Hi team,', 'Good morning,', 'Dear support,', 'Hello support team,'],
};

export const TOPICS: Record<Lang, ReadonlyArray<readonly string[]>> = {
  fr: [
    [
      'Notre serveur {srv} ({ip}) ne répond plus depuis ce matin, ni en SSH ni en ping. Pourriez-vous procéder à un redémarrage matériel ?',
      'Le serveur dédié {srv} est bloqué au démarrage (écran noir sur le KVM). Merci de le redémarrer.',
      "Depuis la mise à jour du noyau d'hier soir, la machine {ip} ne remonte plus. Un reboot électrique serait nécessaire.",
    ],
    [
      'Nous souhaitons réinstaller le système sur {srv} en {os}. Les données peuvent être effacées, nous avons une sauvegarde complète.',
      'Pouvez-vous réinstaller {os} sur le serveur {ip} ? Le partitionnement par défaut nous convient, RAID 1 logiciel si possible.',
    ],
    [
      'Nous aimerions ajouter de la mémoire vive au serveur {srv} : passer de 32 Go à {ram} Go. Merci de nous indiquer le créneau possible et le coût.',
      "Suite à notre échange commercial, merci d'installer les barrettes supplémentaires ({ram} Go au total) sur {ip}.",
    ],
    [
      'Le disque {disk} du serveur {srv} remonte des erreurs SMART (Reallocated_Sector_Ct en hausse). Pouvez-vous le remplacer ?',
      'mdadm signale une grappe dégradée sur {ip}, le disque {disk} est marqué comme défaillant. Merci de prévoir un remplacement à chaud.',
    ],
    [
      "Je confirme qu'une sauvegarde à jour de toutes les données a été faite cette nuit sur notre stockage externe.",
      "Les sauvegardes sont faites tous les soirs, la dernière date d'hier {h1}. Vous pouvez intervenir sans risque pour nous.",
      "Attention : nous n'avons PAS de sauvegarde récente de la base de données, merci de ne rien effacer.",
    ],
    [
      "J'autorise vos techniciens à redémarrer ou éteindre le serveur si nécessaire pendant l'intervention.",
      'Vous pouvez redémarrer le serveur, mais uniquement entre {h1} et {h2} (heure de Paris), {day}.',
      'Merci de ne PAS redémarrer la machine sans nous prévenir : un client y a des traitements en cours.',
    ],
    [
      "Après une modification des règles iptables, nous avons perdu l'accès à {ip}. L'IP secondaire {ip2} ne répond pas non plus.",
      'La configuration réseau de {srv} semble incorrecte après le changement de passerelle. Pouvez-vous vérifier via la console IPMI ?',
    ],
  ],
  en: [
    [
      'Our server {srv} ({ip}) stopped responding this morning, no SSH and no ping. Could you please power-cycle it?',
      'The dedicated server {srv} hangs at boot (blank screen on the KVM). Please reboot it.',
      "Since last night's kernel update, the machine at {ip} does not come back up. A hard reboot would be needed.",
    ],
    [
      'We would like to reinstall {srv} with {os}. The data can be wiped, we have a full backup.',
      'Could you reinstall {os} on server {ip}? The default partitioning is fine, software RAID 1 if possible.',
    ],
    [
      'We would like to upgrade the RAM on {srv} from 32 GB to {ram} GB. Please tell us the possible time slot and the cost.',
      'Following our call with sales, please install the extra memory modules ({ram} GB in total) on {ip}.',
    ],
    [
      'Disk {disk} on server {srv} reports SMART errors (Reallocated_Sector_Ct increasing). Can you replace it?',
      'mdadm reports a degraded array on {ip}, disk {disk} is marked as failed. Please schedule a hot swap.',
    ],
    [
      'I confirm that an up-to-date backup of all critical data was taken last night to our external storage.',
      'Backups run every night, the last one finished yesterday at {h1}. You can proceed, there is no risk for us.',
      'Please note: we do NOT have a recent backup of the database, please do not wipe anything.',
    ],
    [
      'I authorize your engineers to reboot or power off the server if needed during the intervention.',
      'You may reboot the server, but only between {h1} and {h2} (UTC), {day}.',
      'Please do NOT reboot the machine without calling us first: a customer has jobs running on it.',
    ],
    [
      'After changing the iptables rules we lost access to {ip}. The secondary IP {ip2} does not answer either.',
      'The network configuration of {srv} seems wrong after the gateway change. Could you check it through IPMI?',
    ],
  ],
};

export const SECRETS: Record<Lang, readonly string[]> = {
  fr: [
    'Le mot de passe root : {pw}',
    'mot de passe root : {pw}',
    'Accès IPMI : utilisateur {user}, mot de passe {pw}',
    'Identifiants : {user} / {pw}',
    'mdp : {pw}',
  ],
  en: [
    'root password: {pw}',
    'The root password is {pw}',
    'IPMI login: {user} / {pw}',
    'user: {user}\npass: {pw}',
    'pw: {pw}',
  ],
};

export const CLOSINGS: Record<Lang, readonly string[]> = {
  fr: [
    'Cordialement,',
    'Bien à vous,',
    "Merci d'avance,",
    'Merci pour votre aide.',
    'Bonne journée,',
    'Cdlt,',
  ],
  en: [
    'Best regards,',
    'Regards,',
    'Thanks in advance,',
    'Thank you for your help.',
    'Cheers,',
    'Kind regards,',
  ],
};

export const FOOTERS: Record<Lang, readonly string[]> = {
  fr: [
    'Envoyé de mon iPhone',
    'Envoyé depuis mon appareil Galaxy',
    'Envoyé de mon iPad',
    'Obtenir Outlook pour Android',
  ],
  en: [
    'Sent from my iPhone',
    'Sent from my Samsung Galaxy smartphone.',
    'Get Outlook for iOS',
    'Sent from my iPad',
  ],
};

export const JOBS: Record<Lang, readonly string[]> = {
  fr: [
    'Administrateur systèmes',
    'Responsable technique',
    'Gérant',
    'Ingénieur DevOps',
    'Directeur informatique',
  ],
  en: ['Systems administrator', 'CTO', 'Operations manager', 'DevOps engineer', 'IT director'],
};

export const PEOPLE: Record<Lang, readonly string[]> = {
  fr: [
    'Jean Dupont',
    'Marie Lefèvre',
    'François Müller',
    'Élodie Besnard',
    'Stéphane Girard',
    'Hélène Faure',
    'Loïc Le Gall',
    'Anaïs Rousseau',
    'Benoît Chevalier',
    'Zoé Perrin',
  ],
  en: [
    'John Smith',
    'Emily Carter',
    "Michael O'Brien",
    'Sarah Johnson',
    'David Nguyen',
    'Laura Williams',
    'James Patel',
    'Olivia Brown',
  ],
};

export const COMPANIES: readonly string[] = [
  'acme-web.example',
  'example.com',
  'example.net',
  'example.org',
  'boulangerie-martin.example',
  'studio-lumiere.example',
  'northwind.example',
  'datacorp.example',
];

export const OS_NAMES = [
  'Debian 12',
  'Ubuntu 24.04 LTS',
  'AlmaLinux 9',
  'Rocky Linux 9',
  'Windows Server 2022',
  'Proxmox VE 8',
];

/** The support desk's earlier answers, which customers quote back. */
export const DESK_REPLIES: Record<Lang, ReadonlyArray<readonly string[]>> = {
  fr: [
    [
      'Merci pour votre demande concernant le serveur {srv}.',
      "Avant toute intervention, pourriez-vous confirmer que vous disposez d'une sauvegarde à jour de vos données, et nous indiquer si nos techniciens sont autorisés à redémarrer le serveur ?",
    ],
    [
      'Nous avons bien reçu votre ticket #{ticket}.',
      "Pour procéder, nous avons besoin de l'identifiant de service ou de l'adresse IP principale du serveur, ainsi que d'un accès (root ou IPMI).",
    ],
    [
      "L'intervention sur {ip} est planifiée pour {day} entre {h1} et {h2}.",
      'Merci de nous confirmer ce créneau.',
    ],
  ],
  en: [
    [
      'Thank you for your request about server {srv}.',
      'Before we proceed, could you confirm that you have an up-to-date backup of your data, and whether our engineers may reboot the server?',
    ],
    [
      'We have received your ticket #{ticket}.',
      'To proceed we need the service id or main IP address of the server, and a way in (root or IPMI credentials).',
    ],
    [
      'The intervention on {ip} is scheduled for {day} between {h1} and {h2}.',
      'Please confirm this time slot.',
    ],
  ],
};

export const DESK_SIGNATURE: Record<Lang, string> = {
  fr: "L'équipe support\nHosting Example — support technique 24/7\nhttps://hosting.example/support",
  en: 'The support team\nHosting Example — 24/7 technical support\nhttps://hosting.example/support',
};

export const SUBJECTS: Record<Lang, readonly string[]> = {
  fr: [
    'Redémarrage serveur {srv}',
    'Demande de réinstallation {os}',
    'Ajout de mémoire vive sur {srv}',
    'Serveur {ip} injoignable',
    'Intervention urgente — disque défaillant',
    'Autorisation de redémarrage',
    'Problème réseau après mise à jour',
  ],
  en: [
    'Reboot request {srv}',
    'OS reinstall request ({os})',
    'RAM upgrade on {srv}',
    'Server {ip} unreachable',
    'Urgent: failed disk',
    'Reboot authorization',
    'Network issue after update',
  ],
};

export const DAY_NAMES: Record<Lang, readonly string[]> = {
  fr: ['ce soir', 'demain', 'samedi', 'dimanche', 'lundi prochain'],
  en: ['tonight', 'tomorrow', 'on Saturday', 'on Sunday', 'next Monday'],
};

/** Pasted console output makes some messages much longer, as in real tickets. */
export const LOG_LINES: readonly string[] = [
  '[{n}.204511] EXT4-fs error (device {disk}1): ext4_find_entry:1463: inode #2: comm systemd: reading directory lblock 0',
  '[{n}.511023] ata3.00: exception Emask 0x0 SAct 0x0 SErr 0x0 action 0x6 frozen',
  '[{n}.733140] blk_update_request: I/O error, dev {disk}, sector 1953525000 op 0x0:(READ)',
  '[{n}.902215] md/raid1:md2: Disk failure on {disk}3, disabling device.',
  '[{n}.018774] igb 0000:03:00.0 eno1: NIC Link is Down',
  '[{n}.455902] Out of memory: Killed process 2211 (mysqld) total-vm:8123456kB',
];
